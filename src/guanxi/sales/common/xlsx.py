"""The download of a sales Excel export, the same for every export."""

import tempfile
from typing import TYPE_CHECKING

from django.http import FileResponse
from django.utils import timezone

if TYPE_CHECKING:
    # Only for the annotation: openpyxl is slow to import and only exports need it.
    from openpyxl import Workbook

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(workbook: "Workbook", *, stem: str) -> FileResponse:
    """The workbook as `stem-YYYYmmdd-HHMM.xlsx` (local time, so two exports of a day differ),
    never cached: an export holds customer data."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    workbook.save(output)
    output.seek(0)
    response = FileResponse(
        output,
        as_attachment=True,
        filename=f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        content_type=CONTENT_TYPE,
    )
    response["Cache-Control"] = "no-store"
    return response

"""Exports of the lists (RPT-2): started by a user, written by the task worker (or at once
when small), kept in the default storage for their owner until they expire. Every export is
in the user's scope (the list's own selector), needs the export permission and is audited."""

import datetime as dt
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import islice

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.errors import ValidationFailed
from guanxi.core.spreadsheets import CONTENT_TYPE as XLSX_CONTENT_TYPE
from guanxi.core.spreadsheets import WrittenExport
from guanxi.imports.exports.kinds import KINDS, ExportKind, params_query
from guanxi.imports.exports.running import export_audit, export_check, export_rows
from guanxi.imports.exports.tasks import export_job_run
from guanxi.imports.exports.writing import write_rows
from guanxi.imports.models import ExportJob

SMALL = 1000  # up to this many rows an export is written at once and handed over directly
MAX_PARAMS = 30
# the list pages' paging parameters are not filters: an export holds the whole selection
PAGING = {"cursor", "after", "page", "csrfmiddlewaretoken"}

CONTENT_TYPES = {
    "xlsx": XLSX_CONTENT_TYPE,
    "csv": "text/csv; charset=utf-8",
}


@dataclass(frozen=True)
class ExportRequest:
    """What to export: a list (`kind`), a format and the list's filters as its page had them
    in its query string."""

    kind: str
    format: str
    params: Mapping[str, str]


@dataclass(frozen=True)
class ExportStarted:
    """Either a small export written at once (`direct`) or a background job (`job`)."""

    direct: WrittenExport | None = None
    job: ExportJob | None = None


def filename_for(kind: str, fmt: str, at: dt.datetime | None = None) -> str:
    return f"{kind}-{timezone.localtime(at):%Y%m%d-%H%M}.{fmt}"


def _clean(data: ExportRequest) -> tuple[ExportKind, str, dict[str, str]]:
    errors: dict[str, list[str]] = {}
    kind = KINDS.get(str(data.kind or ""))
    if kind is None:
        errors["kind"] = [_("Choose a list to export.")]
    fmt = str(data.format or "")
    if fmt not in ExportJob.Format.values:
        errors["format"] = [_("Choose Excel (xlsx) or CSV.")]
    params = {
        str(key)[:40]: str(value)[:200].replace("\x00", "")
        for key, value in data.params.items()
        if key not in PAGING and value not in (None, "")
    }
    if len(params) > MAX_PARAMS:
        errors["params"] = [_("Too many filters.")]
    if errors or kind is None:
        raise ValidationFailed(field_errors=errors)
    return kind, fmt, params


def export_start(*, actor: User, data: ExportRequest) -> ExportStarted:
    """Start an export of a list in the actor's scope (the list's Export button). Up to
    SMALL rows it is written at once (answered as `direct`); a larger one becomes a job for
    the task worker."""
    export_check(actor)
    kind, fmt, params = _clean(data)
    first = list(islice(export_rows(kind, actor, params_query(params)), SMALL + 1))
    if len(first) > SMALL:
        return ExportStarted(job=_job_create(actor=actor, kind=kind, fmt=fmt, params=params))
    output = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
    written = write_rows(
        fmt, output, header=kind.columns(), rows=first, sheet_title=str(kind.label)
    )
    output.seek(0)
    export_audit(actor=actor, kind=kind.key, fmt=fmt, params=params, rows=written, complete=True)
    return ExportStarted(
        direct=WrittenExport(
            file=output,
            filename=filename_for(kind.key, fmt),
            content_type=CONTENT_TYPES[fmt],
            rows=written,
        )
    )


def export_job_start(*, actor: User, data: ExportRequest) -> ExportJob:
    """Start an export as a background job whatever its size (the API: the client follows
    its progress and downloads the file)."""
    export_check(actor)
    kind, fmt, params = _clean(data)
    return _job_create(actor=actor, kind=kind, fmt=fmt, params=params)


def _job_create(*, actor: User, kind: ExportKind, fmt: str, params: dict[str, str]) -> ExportJob:
    job = ExportJob.objects.create(owner=actor, kind=kind.key, format=fmt, params=params)
    transaction.on_commit(lambda: export_job_run.enqueue(job.pk))
    return job

"""Exports of the customer list (CSV streamed, xlsx write-only), in the user's scope, audited.

Phones are masked unless the user may see full numbers (REVEAL_PII); ID numbers are always
masked. Every export is written to the audit log with its filters and the number of rows,
also when the download is interrupted.
"""

import csv
import dataclasses
import tempfile
from typing import Any

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.permissions import EXPORT, REVEAL_PII
from guanxi.accounts.selectors import user_can
from guanxi.core.audit import audit_record
from guanxi.core.errors import PermissionDenied
from guanxi.core.models import AuditLog
from guanxi.core.phones import display_phone, mask_phone
from guanxi.customers.archive.selectors import CustomerFilters, customer_iter_for_export

PHONE_FIELDS = ("mobile", "home_phone", "office_phone", "fax")


def _columns():
    return [
        ("id", _("Number")),
        ("name", _("Name")),
        ("kind", _("Type")),
        ("category", _("Category")),
        ("owner", _("Owner")),
        ("department", _("Department")),
        ("mobile", _("Mobile")),
        ("home_phone", _("Home phone")),
        ("office_phone", _("Office phone")),
        ("fax", _("Fax")),
        ("email", _("E-mail")),
        ("wechat", _("WeChat")),
        ("id_number", _("ID number")),
        ("credit_code", _("Unified social credit code")),
        ("gender", _("Gender")),
        ("occupation", _("Occupation")),
        ("province", _("Province")),
        ("city", _("City")),
        ("work_address", _("Work address")),
        ("industry", _("Industry")),
        ("scale", _("Scale")),
        ("source", _("Source")),
        ("level", _("Customer level")),
        ("created_at", _("Created")),
    ]


def _row(customer, *, reveal: bool) -> list:
    def phone(value):
        if not value:
            return ""
        return display_phone(value) if reveal else mask_phone(value)

    values = {
        "id": customer.pk,
        "name": customer.name,
        "kind": customer.get_kind_display(),
        "category": customer.get_category_display(),
        "owner": str(customer.owner) if customer.owner_id else "",
        "department": str(customer.department) if customer.department_id else "",
        "email": customer.email,
        "wechat": customer.wechat,
        "id_number": customer.id_number_masked,
        "credit_code": customer.credit_code,
        "gender": customer.get_gender_display() if customer.gender else "",
        "occupation": customer.occupation,
        "province": customer.province,
        "city": customer.city,
        "work_address": customer.work_address,
        "industry": str(customer.industry) if customer.industry_id else "",
        "scale": customer.get_scale_display() if customer.scale else "",
        "source": str(customer.source) if customer.source_id else "",
        "level": customer.get_level_display() if customer.level else "",
        "created_at": timezone.localtime(customer.created_at).strftime("%Y-%m-%d %H:%M"),
    }
    for name in PHONE_FIELDS:
        values[name] = phone(getattr(customer, name))
    return [values[key] for key, _label in _columns()]


def _safe(value):
    """Keep spreadsheet programs from running cell text as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _check(user) -> bool:
    if not user_can(user=user, permission=EXPORT):
        raise PermissionDenied(_("You may not export data."))
    return user_can(user=user, permission=REVEAL_PII)


def _audit(user, filters: CustomerFilters, rows: int, fmt: str, complete: bool, request) -> None:
    detail = {
        "filters": {
            k: str(v) for k, v in dataclasses.asdict(filters).items() if v not in ("", None, {})
        },
        "rows": rows,
        "format": fmt,
        "complete": complete,
    }
    audit_record(
        actor=user,
        action=AuditLog.Action.EXPORT,
        summary=f"customers.{fmt}: {rows}",
        detail=detail,
        request=request,
    )


def _filename(extension: str) -> str:
    return f"customers-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


class _Echo:
    def write(self, value):
        return value


def export_csv(
    *, user: Any, filters: CustomerFilters, request: HttpRequest | None = None
) -> StreamingHttpResponse:
    reveal = _check(user)

    def stream():
        writer = csv.writer(_Echo())
        rows = 0
        complete = False
        try:
            # A byte-order mark so that Excel opens the UTF-8 file with Chinese intact.
            yield "\ufeff" + writer.writerow([label for _key, label in _columns()])
            for customer in customer_iter_for_export(user=user, filters=filters):
                yield writer.writerow([_safe(v) for v in _row(customer, reveal=reveal)])
                rows += 1
            complete = True
        finally:
            _audit(user, filters, rows, "csv", complete, request)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    response["Cache-Control"] = "no-store"
    return response


def export_xlsx(
    *, user: Any, filters: CustomerFilters, request: HttpRequest | None = None
) -> FileResponse:
    reveal = _check(user)
    # imported when used: a web worker that never exports does not hold
    # openpyxl (~14 MiB; the worker's memory budget, issue 13 §3)
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Customers")[:31])
    sheet.append([label for _key, label in _columns()])
    rows = 0
    for customer in customer_iter_for_export(user=user, filters=filters):
        sheet.append([_safe(v) for v in _row(customer, reveal=reveal)])
        rows += 1
    # write-only mode keeps memory flat; the finished file is spooled to disk and streamed.
    output = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    workbook.save(output)
    output.seek(0)
    _audit(user, filters, rows, "xlsx", True, request)
    response = FileResponse(
        output,
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "no-store"
    return response

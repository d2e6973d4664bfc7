"""Imports of external satisfaction results (SAT-2, seed 003 §3.2: 外调 by a third party or the
head office, and 暗访 mystery shopping): one row per result, scores per factor, against a
consultant and optionally a customer. Each good row becomes an external response whose items
score the factor's performance against its expectation baseline; a bad row is refused with its
errors and the rest still import.

Files are read inline in the request: at most MAX_BYTES and MAX_ROWS (a head-office export of a
month is far smaller). CSV in UTF-8 (with or without BOM) or GBK/GB18030."""

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.core.audit import audit_record
from guanxi.core.errors import PermissionDenied, ValidationFailed, found
from guanxi.core.phones import normalize_phone
from guanxi.customers.models import Customer
from guanxi.satisfaction.common import permissions
from guanxi.satisfaction.models import (
    ExternalImport,
    Factor,
    Source,
    SurveyResponse,
    SurveyTemplate,
)
from guanxi.satisfaction.surveys.services import (
    SHANGHAI,
    ResponseNew,
    _response_store,
    current_version,
)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

HEADERS = {
    "date": ("date", "日期"),
    "kind": ("source", "kind", "来源", "类型"),
    "consultant": ("consultant", "销售顾问"),
    "mobile": ("customer_mobile", "mobile", "客户手机", "手机"),
    "overall": ("overall", "综合", "总体"),
    "nps": ("nps", "推荐"),
}
KINDS = {
    "third_party": SurveyResponse.Kind.THIRD_PARTY,
    "第三方": SurveyResponse.Kind.THIRD_PARTY,
    "head_office": SurveyResponse.Kind.HEAD_OFFICE,
    "总部": SurveyResponse.Kind.HEAD_OFFICE,
    "mystery": SurveyResponse.Kind.MYSTERY,
    "暗访": SurveyResponse.Kind.MYSTERY,
}


@dataclass(frozen=True)
class ImportFile:
    name: str
    content: bytes


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(field_errors={"file": [_("Save the CSV as UTF-8 or GBK.")]})


def read_rows(upload: ImportFile) -> list[list[str]]:
    """The file's rows as text cells: .xlsx through calamine, .csv in UTF-8 or GBK."""
    if len(upload.content) > MAX_BYTES:
        raise ValidationFailed(field_errors={"file": [_("At most 2 MB at once.")]})
    name = upload.name.lower()
    if name.endswith(".csv"):
        return [list(row) for row in csv.reader(io.StringIO(_decode(upload.content)))]
    if name.endswith((".xlsx", ".xls")):
        # imported when used: a web worker that never reads a workbook does not hold calamine
        # (~1 MiB; the worker's memory budget, issue 13 §3)
        from python_calamine import CalamineError, load_workbook

        try:
            sheet = load_workbook(io.BytesIO(upload.content)).get_sheet_by_index(0)
            return [
                [_cell(value) for value in row] for row in sheet.to_python(skip_empty_area=True)
            ]
        except (CalamineError, ValueError, IndexError) as exc:
            raise ValidationFailed(
                field_errors={"file": [_("The workbook could not be read.")]}
            ) from exc
    raise ValidationFailed(field_errors={"file": [_("Choose an .xlsx or a .csv file.")]})


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip() if value is not None else ""


def _columns(
    header: list[str], factors: dict[str, Factor]
) -> tuple[dict[str, int], dict[str, int]]:
    fixed: dict[str, int] = {}
    factor_columns: dict[str, int] = {}
    by_name = {f.name: code for code, f in factors.items()}
    by_name.update({f.name_en.lower(): code for code, f in factors.items() if f.name_en})
    for index, raw in enumerate(header):
        title = raw.strip()
        for key, names in HEADERS.items():
            if title.lower() in names:
                fixed[key] = index
        code = title if title in factors else by_name.get(title) or by_name.get(title.lower())
        if code:
            factor_columns[code] = index
    missing = [k for k in ("date", "kind", "consultant") if k not in fixed]
    if missing or not factor_columns:
        raise ValidationFailed(
            field_errors={
                "file": [
                    _(
                        "The first row names the columns: 日期, 来源, 销售顾问, optional 客户手机, "
                        "综合 and 推荐, and one column per factor (code or name)."
                    )
                ]
            }
        )
    return fixed, factor_columns


def _score(text: str, low: int, high: int) -> int | None:
    try:
        value = int(float(text))
    except ValueError:
        return None
    return value if low <= value <= high and float(text) == value else None


def external_import(*, actor: User, template_id: int, upload: ImportFile) -> ExternalImport:
    if not user_can(user=actor, permission=permissions.IMPORT):
        raise PermissionDenied()
    template = found(SurveyTemplate.objects.filter(pk=template_id).first())
    version = current_version(template)
    factors = {f.code: f for f in Factor.objects.filter(version=version)}
    rows = read_rows(upload)
    if not rows:
        raise ValidationFailed(field_errors={"file": [_("The file is empty.")]})
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationFailed(field_errors={"file": [_("At most 5,000 rows at once.")]})
    fixed, factor_columns = _columns(rows[0], factors)
    users = {
        key: user
        for user in User.objects.filter(is_active=True)
        for key in (user.username, user.display_name)
        if key
    }
    top = version.scale_max
    errors: list[dict[str, Any]] = []
    good: list[ResponseNew] = []
    mobiles: dict[int, str] = {}
    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = row + [""] * (len(rows[0]) - len(row))
        if not any(cells):
            continue
        problems: list[str] = []
        try:
            day = dt.date.fromisoformat(cells[fixed["date"]][:10].replace("/", "-"))
        except ValueError:
            problems.append(_("日期: a date as YYYY-MM-DD."))
            day = None
        kind = KINDS.get(cells[fixed["kind"]].strip())
        if kind is None:
            problems.append(_("来源: 第三方, 总部 or 暗访."))
        consultant = users.get(cells[fixed["consultant"]].strip())
        if consultant is None:
            problems.append(_("销售顾问: no active user of this name."))
        items = []
        for code, index in factor_columns.items():
            text = cells[index].strip()
            if not text:
                continue
            value = _score(text, 1, top)
            if value is None:
                problems.append(
                    _("%(factor)s: a score from 1 to %(top)s.")
                    % {"factor": factors[code].name, "top": top}
                )
            else:
                items.append((factors[code], value))
        if not items:
            problems.append(_("No factor score in this row."))
        overall = nps = None
        if "overall" in fixed and cells[fixed["overall"]].strip():
            overall = _score(cells[fixed["overall"]].strip(), 1, top)
            if overall is None:
                problems.append(_("综合: a score from 1 to %(top)s.") % {"top": top})
        if "nps" in fixed and cells[fixed["nps"]].strip():
            nps = _score(cells[fixed["nps"]].strip(), 0, 10)
            if nps is None:
                problems.append(_("推荐: a score from 0 to 10."))
        if "mobile" in fixed and cells[fixed["mobile"]].strip():
            try:
                mobiles[number] = normalize_phone(cells[fixed["mobile"]], mobile=True)
            except ValidationError:
                problems.append(_("客户手机: not a mobile number."))
        if problems:
            errors.append({"row": number, "errors": problems})
            continue
        if day is None or consultant is None or kind is None:  # refused above
            continue
        parsed.append(
            (
                number,
                {
                    "day": day,
                    "kind": kind,
                    "consultant": consultant,
                    "items": items,
                    "overall": overall,
                    "nps": nps,
                },
            )
        )
    customers = {
        c.mobile: c
        for c in Customer.objects.filter(
            Q(mobile__in=set(mobiles.values())), deleted_at__isnull=True
        )
    }
    for number, data in parsed:
        customer = customers.get(mobiles[number]) if number in mobiles else None
        if number in mobiles and customer is None:
            errors.append({"row": number, "errors": [_("客户手机: no customer with this mobile.")]})
            continue
        moment = dt.datetime.combine(data["day"], dt.time(12), tzinfo=SHANGHAI)
        good.append(
            ResponseNew(
                version=version,
                kind=data["kind"],
                source=Source.EXTERNAL,
                customer=customer,
                consultant=data["consultant"],
                department_id=data["consultant"].department_id,
                answered_at=moment,
                items=[(f, None, f.baseline, value) for f, value in data["items"]],
                overall=data["overall"],
                nps=data["nps"],
                recorded_by=actor,
            )
        )
    errors.sort(key=lambda e: e["row"])
    with transaction.atomic():
        batch = ExternalImport.objects.create(
            template=template,
            file_name=upload.name[:200],
            created_by=actor,
            rows_imported=len(good),
            rows_refused=len(errors),
            errors=errors,
        )
        for new in good:
            _response_store(ResponseNew(**{**new.__dict__, "import_batch_id": batch.pk}))
        audit_record(
            actor=actor,
            action="satisfaction.import",
            target=batch,
            summary=f"{upload.name}: {len(good)} / {len(errors)}",
        )

    return batch

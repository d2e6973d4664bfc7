"""Receivables reads (ORD-4, ORD-5): ageing, open instalments, a contract's money panel, a
consultant's overdue instalments. Every read starts from `<Model>.objects.visible_to(user)`.

Ageing is over open instalments (settled = false) of active contracts (signed / executing),
which is exactly the condition of the partial indexes on Instalment: the whole company's
ageing is one scan of that range grouped by (owner, department, bucket) in SQL, added up
into the summary and the per-owner / per-department tables in Python.

Buckets by days overdue = today − due date (Asia/Shanghai):
    not_due  due today or later      d1_30   1–30 days     d31_60  31–60 days
    d61_90   61–90 days              d90     more than 90 days
"""

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import Department, User
from guanxi.accounts.selectors import scope_for_user
from guanxi.core.errors import ValidationFailed
from guanxi.core.pagination import MAX_PAGE_SIZE, Page, capped_count, page_by_keys, parse_id
from guanxi.core.querysets import filter_given
from guanxi.sales.common.money import ZERO, fen
from guanxi.sales.models import Contract, Instalment, Invoice, Payment, PaymentAllocation

BUCKETS = (
    ("not_due", gettext_lazy("Not due")),
    ("d1_30", gettext_lazy("1–30 days")),
    ("d31_60", gettext_lazy("31–60 days")),
    ("d61_90", gettext_lazy("61–90 days")),
    ("d90", gettext_lazy("More than 90 days")),
)
BUCKET_KEYS = tuple(key for key, _label in BUCKETS)
PAGE_SIZE = 50
GROUP_LIMIT = 500  # rows of the per-owner / per-department tables shown
OVERDUE_COUNT_CAP = 1_000  # the work list counts a consultant's overdue up to "1,000+"

_MONEY = DecimalField(max_digits=16, decimal_places=2)
_OPEN = F("amount") - F("paid_amount")


def _bucket_conditions(today: dt.date) -> dict[str, Q]:
    day = dt.timedelta(days=1)
    return {
        "not_due": Q(due_on__gte=today),
        "d1_30": Q(due_on__lt=today, due_on__gte=today - 30 * day),
        "d31_60": Q(due_on__lt=today - 30 * day, due_on__gte=today - 60 * day),
        "d61_90": Q(due_on__lt=today - 60 * day, due_on__gte=today - 90 * day),
        "d90": Q(due_on__lt=today - 90 * day),
    }


def _bucket_of(due_on: dt.date, today: dt.date) -> str:
    days = (today - due_on).days
    if days <= 0:
        return "not_due"
    if days <= 30:
        return "d1_30"
    if days <= 60:
        return "d31_60"
    if days <= 90:
        return "d61_90"
    return "d90"


@dataclass(frozen=True)
class ReceivableFilters:
    owner_id: int | None = None
    department_id: int | None = None
    bucket: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "ReceivableFilters":
        def number(name: str) -> int | None:
            raw = (params.get(name) or "").strip()
            if not raw:
                return None
            number = parse_id(raw, minimum=0)
            if number is None:
                raise ValidationFailed(field_errors={name: [_("Choose from the list.")]})
            return number

        bucket = (params.get("bucket") or "").strip()
        if bucket and bucket not in BUCKET_KEYS:
            raise ValidationFailed(field_errors={"bucket": [_("Choose from the list.")]})
        return cls(owner_id=number("owner"), department_id=number("department"), bucket=bucket)

    def as_params(self) -> dict[str, int | str]:
        params: dict[str, int | str] = {}
        if self.owner_id:
            params["owner"] = self.owner_id
        if self.department_id:
            params["department"] = self.department_id
        if self.bucket:
            params["bucket"] = self.bucket
        return params


def open_instalments(
    *, user: User, filters: ReceivableFilters | None = None, today: dt.date | None = None
) -> QuerySet[Instalment]:
    """Open instalments of active contracts in the user's scope (the partial-index range)."""
    rows = Instalment.objects.visible_to(user).filter(active=True, settled=False)
    if filters is not None:
        rows = filter_given(rows, owner_id=filters.owner_id, department_id=filters.department_id)
        if filters.bucket:
            rows = rows.filter(_bucket_conditions(today or timezone.localdate())[filters.bucket])
    return rows


def _bucket_row(values: Mapping[str, Any]) -> dict[str, Any]:
    # SUM/COALESCE lose the scale (SQLite gives 8000, PostgreSQL 0 for an empty bucket):
    # money leaves the selector with its two places on every database.
    amounts = {key: fen(values[key]) for key in (*BUCKET_KEYS, "total")}
    return {
        "buckets": [
            {"key": key, "label": label, "amount": amounts[key], "count": values[f"{key}_count"]}
            for key, label in BUCKETS
        ],
        "total": amounts["total"],
        "count": values["count"],
        "overdue": amounts["total"] - amounts["not_due"],
    }


def _bucket_case(today: dt.date) -> Case:
    """The bucket of an open instalment as a SQL CASE (the same edges as _bucket_conditions)."""
    day = dt.timedelta(days=1)
    return Case(
        When(due_on__gte=today, then=Value("not_due")),
        When(due_on__gte=today - 30 * day, then=Value("d1_30")),
        When(due_on__gte=today - 60 * day, then=Value("d31_60")),
        When(due_on__gte=today - 90 * day, then=Value("d61_90")),
        default=Value("d90"),
        output_field=CharField(),
    )


def _ageing_cells(
    user: User, filters: ReceivableFilters | None, *, today: dt.date
) -> list[Mapping[str, Any]]:
    """One scan of the open instalments in scope, grouped by (owner, department, bucket):
    the open amount and the count of each cell. A company has a few cells per consultant,
    so the summary and both tables are added up from them in Python (bench/README.md:
    three scans with ten conditional aggregates each took ~0.8 s apiece at 1.7M open
    instalments)."""
    return list(
        open_instalments(user=user, filters=filters, today=today)
        .annotate(age=_bucket_case(today))
        .values("owner_id", "department_id", "age")
        # COUNT(*), not COUNT(id): id is not in instalment_open_ageing_idx, and reading it
        # would turn the index-only scan back into a scan of the table
        .annotate(amount=Sum(_OPEN, output_field=_MONEY), n=Count("*"))
        .order_by()
    )


def _empty_values() -> dict[str, Any]:
    values: dict[str, Any] = {key: ZERO for key in (*BUCKET_KEYS, "total")}
    values.update({f"{key}_count": 0 for key in BUCKET_KEYS}, count=0)
    return values


def _add_cell(values: dict[str, Any], cell: Mapping[str, Any]) -> None:
    amount = cell["amount"] or ZERO
    values[cell["age"]] += amount
    values[f"{cell['age']}_count"] += cell["n"]
    values["total"] += amount
    values["count"] += cell["n"]


def _summary_of(cells: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    values = _empty_values()
    for cell in cells:
        _add_cell(values, cell)
    return _bucket_row(values)


def _grouped_of(cells: Iterable[Mapping[str, Any]], field: str) -> list[dict[str, Any]]:
    """Per `field` (owner_id / department_id): largest total first, then by id (no id
    last), at most GROUP_LIMIT rows — the order the GROUP BY query had."""
    groups: dict[int | None, dict[str, Any]] = {}
    for cell in cells:
        _add_cell(groups.setdefault(cell[field], _empty_values()), cell)
    ordered = sorted(
        groups.items(), key=lambda item: (-item[1]["total"], item[0] is None, item[0] or 0)
    )
    return [{"id": key, **_bucket_row(values)} for key, values in ordered[:GROUP_LIMIT]]


def _with_owners(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = {u.pk: u for u in User.objects.filter(pk__in=[r["id"] for r in rows if r["id"]])}
    for row in rows:
        row["owner"] = names.get(row["id"])
    return rows


def _with_departments(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = {d.pk: d for d in Department.objects.filter(pk__in=[r["id"] for r in rows if r["id"]])}
    for row in rows:
        row["department"] = names.get(row["id"])
    return rows


def ageing_summary(
    *, user: User, filters: ReceivableFilters | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    """Totals per bucket over the user's scope (one query)."""
    today = today or timezone.localdate()
    return _summary_of(_ageing_cells(user, filters, today=today))


def ageing_by_owner(
    *, user: User, filters: ReceivableFilters | None = None, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Per consultant (one query + one for the names), largest first."""
    today = today or timezone.localdate()
    return _with_owners(_grouped_of(_ageing_cells(user, filters, today=today), "owner_id"))


def ageing_by_department(
    *, user: User, filters: ReceivableFilters | None = None, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Per department (one query + one for the names)."""
    today = today or timezone.localdate()
    return _with_departments(
        _grouped_of(_ageing_cells(user, filters, today=today), "department_id")
    )


def ageing_report(
    *, user: User, filters: ReceivableFilters | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    """Summary, per consultant and per department from one scan (+ two queries for names)."""
    today = today or timezone.localdate()
    cells = _ageing_cells(user, filters, today=today)
    return {
        "today": today,
        "summary": _summary_of(cells),
        "by_owner": _with_owners(_grouped_of(cells, "owner_id")),
        "by_department": _with_departments(_grouped_of(cells, "department_id")),
    }


def _decorate(rows: list[Instalment], today: dt.date) -> list[Instalment]:
    for inst in rows:
        inst.days_overdue = max((today - inst.due_on).days, 0)
        inst.bucket = _bucket_of(inst.due_on, today)
    return rows


def open_instalment_page(
    *,
    user: User,
    filters: ReceivableFilters | None = None,
    cursor: str = "",
    limit: int = PAGE_SIZE,
    today: dt.date | None = None,
) -> tuple[list[Instalment], str | None]:
    """Open instalments, oldest due first, keyset-paged by (due_on, id)."""
    today = today or timezone.localdate()
    rows = open_instalments(user=user, filters=filters, today=today).select_related(
        "contract", "customer", "owner", "department"
    )
    page: Page[Instalment] = page_by_keys(
        rows,
        keys=[("due_on", dt.date), ("id", int)],
        descending=False,
        cursor=cursor,
        limit=limit,
        maximum=max(limit, MAX_PAGE_SIZE),
    )
    return _decorate(page.items, today), page.next_cursor


def open_instalment_iter(
    *, user: User, filters: ReceivableFilters | None = None, today: dt.date | None = None
) -> Iterator[Instalment]:
    """Every open instalment in scope for the export, streamed in chunks."""
    today = today or timezone.localdate()
    rows = (
        open_instalments(user=user, filters=filters, today=today)
        .select_related("contract", "customer", "owner", "department")
        .order_by("due_on", "id")
    )
    for inst in rows.iterator(chunk_size=2000):
        _decorate([inst], today)
        yield inst


def filter_choices(*, user: User) -> dict[str, list[Any]]:
    """Owners and departments the filter may offer: those in the user's scope (bounded)."""
    scope = scope_for_user(user=user)
    users = User.objects.filter(is_active=True).order_by("department_id", "id")
    departments = Department.objects.order_by("path")
    if not scope.sees_all:
        users = users.filter(Q(pk__in=scope.owner_ids) | Q(department_id__in=scope.department_ids))
        departments = departments.filter(pk__in=scope.department_ids)
    return {"owners": list(users[:GROUP_LIMIT]), "departments": list(departments[:GROUP_LIMIT])}


# ---------------------------------------------------------------- one contract


def contract_instalments(*, contract: Contract) -> list[Instalment]:
    """A visible contract's payment plan in order (one query)."""
    return list(Instalment.objects.filter(contract_id=contract.pk).order_by("sequence"))


def contract_money(*, contract: Contract, today: dt.date | None = None) -> dict[str, Any]:
    """A visible contract's plan, payments (with allocations) and invoices: four queries."""
    today = today or timezone.localdate()
    instalments = contract_instalments(contract=contract)
    for inst in instalments:
        inst.days_overdue = (
            max((today - inst.due_on).days, 0) if not inst.settled and inst.active else 0
        )
    payments = list(
        Payment.objects.filter(contract_id=contract.pk)
        .select_related("recorded_by", "voided_by")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=PaymentAllocation.objects.select_related("instalment").order_by(
                    "instalment__sequence"
                ),
            )
        )
        .order_by("-received_on", "-id")
    )
    invoices = list(
        Invoice.objects.filter(contract_id=contract.pk)
        .select_related("payment", "override_by")
        .order_by("-issued_on", "-id")
    )
    planned = sum((inst.amount for inst in instalments), ZERO)
    pending_payments = sum((p.amount for p in payments if p.status == Payment.Status.PENDING), ZERO)
    pending_invoices = sum((i.amount for i in invoices if i.status == Invoice.Status.PENDING), ZERO)
    return {
        "instalments": instalments,
        "payments": payments,
        "invoices": invoices,
        "planned": planned,
        "plan_complete": planned == contract.total_amount,
        "open_amount": sum((i.open_amount for i in instalments), ZERO),
        "overpaid": sum(
            (p.unallocated_amount for p in payments if p.status == Payment.Status.CONFIRMED),
            ZERO,
        ),
        "pending_payments": pending_payments,
        "pending_invoices": pending_invoices,
        "invoice_room": max(
            contract.total_amount - contract.invoiced_amount - pending_invoices, ZERO
        ),
    }


# ---------------------------------------------------------------- a consultant's overdue


def _own_open(user: User) -> QuerySet[Instalment]:
    """The user's own open instalments of active contracts: a range of the owner/due_on
    partial index once the due date is bounded."""
    return Instalment.objects.filter(owner_id=user.pk, active=True, settled=False)


def overdue_for_owner(
    *, user: User, limit: int = 5, today: dt.date | None = None
) -> tuple[int, bool, list[Instalment]]:
    """The user's own overdue instalments: how many (counted up to OVERDUE_COUNT_CAP, then
    "1,000+"), whether the count stopped there, and the `limit` oldest. Two short queries
    on the owner/due_on partial index. (A window count over the page query joined the
    contract and the customer of every overdue instalment before keeping five: 3.4 s on the
    work list of a bench consultant with 125,708 overdue instalments, bench/README.md.)"""
    today = today or timezone.localdate()
    overdue = _own_open(user).filter(due_on__lt=today)
    # Only what the work list's section shows: the whole contract and customer rows made
    # this a third of the work list's time (issue 13).
    rows = list(
        overdue.select_related("contract", "customer")
        .only(
            "id",
            "contract_id",
            "customer_id",
            "sequence",
            "due_on",
            "amount",
            "paid_amount",
            "contract__number",
            "customer__name",
        )
        .order_by("due_on", "id")[:limit]
    )
    if len(rows) < limit:
        count, capped = len(rows), False
    else:
        # due_on, not pk: the count is then an index-only scan of the owner/due_on index
        # (0.2 ms instead of 12 ms for a bench consultant's 125,708)
        found = overdue.order_by().values("due_on")[: OVERDUE_COUNT_CAP + 1].count()
        count, capped = min(found, OVERDUE_COUNT_CAP), found > OVERDUE_COUNT_CAP
    return count, capped, _decorate(rows, today)


def overdue_instalment_count(*, user: User, cap: int, today: dt.date | None = None) -> int:
    """How many of the user's own instalments are overdue, up to `cap`."""
    today = today or timezone.localdate()
    return capped_count(_own_open(user).filter(due_on__lt=today), cap)[0]


DUE_SOON_DAYS = 7


def due_soon_for_owner(
    *, user: User, limit: int = 5, today: dt.date | None = None
) -> list[Instalment]:
    """The user's own open instalments falling due within DUE_SOON_DAYS (today included),
    soonest first: the owner/due_on index range."""
    today = today or timezone.localdate()
    rows = (
        _own_open(user)
        .filter(due_on__gte=today, due_on__lt=today + dt.timedelta(days=DUE_SOON_DAYS))
        .select_related("contract", "customer")
        .order_by("due_on", "id")[:limit]
    )
    return _decorate(list(rows), today)


def overdue_oldest_for_user(
    *, user: User, limit: int = 5, today: dt.date | None = None
) -> tuple[list[Instalment], int, bool]:
    """The oldest overdue instalments in the user's scope (a manager's home page), and how
    many are overdue, counted up to OVERDUE_COUNT_CAP: the partial open-instalment indexes
    by department or owner and due date."""
    today = today or timezone.localdate()
    overdue = Instalment.objects.visible_to(user).filter(
        active=True, settled=False, due_on__lt=today
    )
    rows = list(
        overdue.select_related("contract", "customer", "owner").order_by("due_on", "id")[:limit]
    )
    if len(rows) < limit:
        count, capped = len(rows), False
    else:
        count, capped = capped_count(overdue, OVERDUE_COUNT_CAP)
    return _decorate(rows, today), count, capped

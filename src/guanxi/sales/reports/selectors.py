"""The manager view (ORD-6): each consultant's and each department's contracts and money for
a period, in the viewer's data scope.

Figures (all amounts Decimal, to the fen):
- signed: contracts signed (signing date) in the period that are signed, executing or
  completed — count and Σ total (drafts, contracts in approval and terminated ones do not
  count);
- collected: Σ confirmed payments received in the period (pending, rejected and voided
  payments do not count);
- collection rate: of the contracts signed in the period, the share of their total already
  collected (Σ paid ÷ Σ total, in per cent); no figure when nothing was signed;
- overdue: open instalments of signed/executing contracts whose due date is before today —
  count and Σ open amount (a snapshot as of today, whatever the period);
- invoiced: Σ issued invoices (issue date in the period).

Each figure is one GROUP BY query over the scoped records, grouped by (owner, department),
and summed per consultant and per department in Python — the number of queries does not
grow with the number of consultants. A department's row includes its sub-departments.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import Department, User
from guanxi.accounts.selectors import departments_in_scope, scope_for_user, users_in_scope
from guanxi.core.errors import ValidationFailed
from guanxi.sales.common import money
from guanxi.sales.models import Contract, Instalment, Invoice, Payment, SalesTarget
from guanxi.sales.targets.selectors import (
    SIGNED_STATUSES,
    TargetProgress,
    period_bounds,
    targets_with_progress,
    visible_targets,
)

ZERO = Decimal("0.00")
CUSTOM = "custom"
PERIOD_KINDS = (*SalesTarget.Period.values, CUSTOM)
MAX_CUSTOM_DAYS = 366 * 5


@dataclass(frozen=True)
class ReportPeriod:
    kind: str  # month, quarter, year or custom
    start: dt.date
    end: dt.date  # inclusive

    @property
    def has_targets(self) -> bool:
        """Targets exist for whole months, quarters and years only."""
        return self.kind != CUSTOM


def report_period(
    kind: str | None = None,
    *,
    on: dt.date | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> ReportPeriod:
    """The period to report on: the month/quarter/year containing `on` (default today), or a
    custom range from `start` to `end`. Default: this month."""
    today = today or timezone.localdate()
    kind = kind or SalesTarget.Period.MONTH
    if kind not in PERIOD_KINDS:
        raise ValidationFailed(
            field_errors={"period": [_("Choose month, quarter, year or custom.")]}
        )
    if kind == CUSTOM:
        errors = {}
        if start is None:
            errors["start"] = [_("Enter the first day of the period.")]
        if end is None:
            errors["end"] = [_("Enter the last day of the period.")]
        if start is None or end is None:
            raise ValidationFailed(field_errors=errors)
        if start > end:
            errors["end"] = [_("The end is before the start.")]
        elif (end - start).days > MAX_CUSTOM_DAYS:
            errors["start"] = [_("Choose a period of at most 5 years.")]
        if errors:
            raise ValidationFailed(field_errors=errors)
        return ReportPeriod(kind=kind, start=start, end=end)
    first, last = period_bounds(kind, on or today)
    return ReportPeriod(kind=kind, start=first, end=last)


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    signed_count: int = 0
    signed_amount: Decimal = ZERO
    signed_paid: Decimal = ZERO  # collected so far on the contracts signed in the period
    collected: Decimal = ZERO
    overdue_count: int = 0
    overdue_amount: Decimal = ZERO
    invoiced: Decimal = ZERO

    def add(self, other: "Figures") -> None:
        self.signed_count += other.signed_count
        self.signed_amount += other.signed_amount
        self.signed_paid += other.signed_paid
        self.collected += other.collected
        self.overdue_count += other.overdue_count
        self.overdue_amount += other.overdue_amount
        self.invoiced += other.invoiced

    @property
    def collection_rate(self) -> Decimal | None:
        return _percent(self.signed_paid, self.signed_amount)

    @property
    def empty(self) -> bool:
        return self == Figures()


@dataclass
class ReportRow:
    user: User | None = None
    department: Department | None = None
    depth: int = 0
    figures: Figures = field(default_factory=Figures)
    targets: dict = field(default_factory=dict)  # metric → TargetProgress

    @property
    def key(self) -> str:
        if self.department is not None:
            return f"d{self.department.pk}"
        return f"u{self.user.pk}" if self.user is not None else "u-"


@dataclass
class ManagerReport:
    period: ReportPeriod
    today: dt.date
    users: list[ReportRow]
    departments: list[ReportRow]
    total: Figures
    department: Department | None = None


def _grouped(queryset, **aggregates) -> list[tuple]:
    names = list(aggregates)
    return list(
        queryset.values("owner_id", "department_id")
        .order_by()
        .annotate(**aggregates)
        .values_list("owner_id", "department_id", *names)
    )


def _figures_by_owner_and_department(viewer, *, period, today, department_ids):
    """{(owner_id, department_id): Figures} — four GROUP BY queries."""
    contracts = Contract.objects.visible_to(viewer).filter(
        status__in=SIGNED_STATUSES, signed_on__gte=period.start, signed_on__lte=period.end
    )
    payments = Payment.objects.visible_to(viewer).filter(
        status=Payment.Status.CONFIRMED,
        received_on__gte=period.start,
        received_on__lte=period.end,
    )
    overdue = Instalment.objects.visible_to(viewer).filter(
        settled=False, active=True, due_on__lt=today
    )
    invoices = Invoice.objects.visible_to(viewer).filter(
        status=Invoice.Status.ISSUED, issued_on__gte=period.start, issued_on__lte=period.end
    )
    if department_ids is not None:
        contracts, payments, overdue, invoices = (
            queryset.filter(department_id__in=department_ids)
            for queryset in (contracts, payments, overdue, invoices)
        )
    cells: dict[tuple, Figures] = {}

    def cell(owner_id, department_id) -> Figures:
        return cells.setdefault((owner_id, department_id), Figures())

    for owner_id, department_id, n, total, paid in _grouped(
        contracts, n=Count("id"), total=Sum("total_amount"), paid=Sum("paid_amount")
    ):
        figures = cell(owner_id, department_id)
        figures.signed_count = n
        figures.signed_amount = money.sum_fen(total)
        figures.signed_paid = money.sum_fen(paid)
    for owner_id, department_id, amount in _grouped(payments, amount=Sum("amount")):
        cell(owner_id, department_id).collected = money.sum_fen(amount)
    for owner_id, department_id, n, amount in _grouped(
        overdue, n=Count("id"), amount=Sum(F("amount") - F("paid_amount"))
    ):
        figures = cell(owner_id, department_id)
        figures.overdue_count = n
        figures.overdue_amount = money.sum_fen(amount)
    for owner_id, department_id, amount in _grouped(invoices, amount=Sum("amount")):
        cell(owner_id, department_id).invoiced = money.sum_fen(amount)
    return cells


def manager_report(
    *,
    viewer,
    period: ReportPeriod,
    department: Department | None = None,
    today: dt.date | None = None,
) -> ManagerReport:
    """Figures per consultant and per department in the viewer's scope for the period.

    Consultants listed: those in the viewer's scope with a figure or a target for the period;
    a viewer whose scope is a team (not the whole company) also sees every member of it
    with zeros. A department filter narrows everything to that department's tree.
    Departments are listed only for a viewer whose scope covers whole departments."""
    today = today or timezone.localdate()
    scope = scope_for_user(user=viewer)
    all_departments = list(Department.objects.order_by("path"))
    by_id = {d.pk: d for d in all_departments}
    subtree_ids = None
    if department is not None:
        if not departments_in_scope(user=viewer).filter(pk=department.pk).exists():
            raise ValidationFailed(
                field_errors={"department": [_("Choose a department in your data scope.")]}
            )
        subtree_ids = {d.pk for d in all_departments if d.path.startswith(department.path)}

    cells = _figures_by_owner_and_department(
        viewer, period=period, today=today, department_ids=subtree_ids
    )

    targets: list[SalesTarget] = []
    if period.has_targets:
        targets = list(
            visible_targets(user=viewer).filter(period=period.kind, starts_on=period.start)
        )
        if subtree_ids is not None:
            member_ids = set(
                User.objects.filter(department_id__in=subtree_ids).values_list("id", flat=True)
            )
            targets = [
                t for t in targets if (t.user_id in member_ids) or (t.department_id in subtree_ids)
            ]
    progress: list[TargetProgress] = targets_with_progress(viewer=viewer, targets=targets)

    # consultants
    team_rows = users_in_scope(user=viewer).order_by("department__path", "username")
    if subtree_ids is not None:
        team_rows = team_rows.filter(department_id__in=subtree_ids)
    team = list(team_rows)
    wanted_ids = {owner_id for owner_id, _dep in cells if owner_id is not None}
    wanted_ids |= {p.target.user_id for p in progress if p.target.user_id}
    known = {user.pk: user for user in team}
    missing = wanted_ids - set(known)
    if missing:
        for user in User.objects.filter(pk__in=missing).select_related("department"):
            known[user.pk] = user
    listed_ids = set(known) if not scope.sees_all or subtree_ids is not None else wanted_ids
    user_rows = {user_id: ReportRow(user=known[user_id]) for user_id in listed_ids}
    no_owner = ReportRow()
    total = Figures()
    for (owner_id, _department_id), figures in cells.items():
        row = user_rows.get(owner_id, no_owner)
        row.figures.add(figures)
        total.add(figures)
    for item in progress:
        if item.target.user_id in user_rows:
            user_rows[item.target.user_id].targets[item.target.metric] = item
    users = sorted(
        user_rows.values(),
        key=lambda row: (
            row.user.department.path if row.user and row.user.department else "~",
            row.user.username if row.user else "",
        ),
    )
    if not no_owner.figures.empty:
        users.append(no_owner)

    # departments (with their sub-departments)
    departments: list[ReportRow] = []
    if scope.sees_all or scope.department_ids:
        visible_ids = set(by_id) if scope.sees_all else set(scope.department_ids) & set(by_id)
        if subtree_ids is not None:
            visible_ids &= subtree_ids
        if visible_ids:
            base_depth = min(by_id[i].path.count("/") for i in visible_ids)
        for department_id in sorted(visible_ids, key=lambda i: by_id[i].path):
            dep = by_id[department_id]
            row = ReportRow(department=dep, depth=dep.path.count("/") - base_depth)
            for (_owner_id, record_department_id), figures in cells.items():
                record_department = by_id.get(record_department_id)
                if record_department is not None and record_department.path.startswith(dep.path):
                    row.figures.add(figures)
            for item in progress:
                if item.target.department_id == department_id:
                    row.targets[item.target.metric] = item
            departments.append(row)

    return ManagerReport(
        period=period,
        today=today,
        users=users,
        departments=departments,
        total=total,
        department=department,
    )


def department_choices(*, viewer) -> list[Department]:
    """Departments the viewer may filter the manager view by."""
    scope = scope_for_user(user=viewer)
    if not (scope.sees_all or scope.department_ids):
        return []
    return list(departments_in_scope(user=viewer).order_by("path"))


def has_team(*, viewer) -> bool:
    """Whether the viewer's scope covers anybody else (for links to the manager view)."""
    scope = scope_for_user(user=viewer)
    return scope.user_id is not None and (
        scope.sees_all or bool(scope.department_ids) or len(scope.owner_ids) > 1
    )


__all__ = [
    "CUSTOM",
    "PERIOD_KINDS",
    "Figures",
    "ManagerReport",
    "ReportPeriod",
    "ReportRow",
    "department_choices",
    "has_team",
    "manager_report",
    "report_period",
]


# ---------------------------------------------------------------- the manager's home page


@dataclass(frozen=True)
class TeamMonthRow:
    user: User
    signed_count: int
    signed_amount: Decimal
    collected: Decimal
    target: TargetProgress | None  # the month's signed-amount target, if one is set


@dataclass(frozen=True)
class TeamMonth:
    start: dt.date
    end: dt.date
    rows: list[TeamMonthRow]
    signed_amount: Decimal
    collected: Decimal
    target: Decimal | None


def team_month(*, viewer, today: dt.date | None = None) -> TeamMonth:
    """This month for each person in the viewer's scope but the viewer: signed (count and
    amount) against the signed-amount target, and collected. Two GROUP BYs on the owners'
    (owner, date) ranges and one read of the targets; a person's figures are those of the
    records they own, as on their own home page."""
    today = today or timezone.localdate()
    start, end = period_bounds(SalesTarget.Period.MONTH, today)
    members = [
        user
        for user in users_in_scope(user=viewer).order_by("department__path", "username")
        if user.pk != viewer.pk
    ]
    ids = [user.pk for user in members]
    signed = {
        owner_id: (n, money.sum_fen(total))
        for owner_id, n, total in Contract.objects.filter(
            owner_id__in=ids, signed_on__gte=start, signed_on__lte=end, status__in=SIGNED_STATUSES
        )
        .values("owner_id")
        .order_by()
        .annotate(n=Count("id"), total=Sum("total_amount"))
        .values_list("owner_id", "n", "total")
    }
    collected = {
        owner_id: money.sum_fen(amount)
        for owner_id, amount in Payment.objects.filter(
            owner_id__in=ids,
            received_on__gte=start,
            received_on__lte=end,
            status=Payment.Status.CONFIRMED,
        )
        .values("owner_id")
        .order_by()
        .annotate(amount=Sum("amount"))
        .values_list("owner_id", "amount")
    }
    targets = {
        target.user_id: target
        for target in SalesTarget.objects.filter(
            user_id__in=ids,
            period=SalesTarget.Period.MONTH,
            starts_on=start,
            metric=SalesTarget.Metric.SIGNED,
        )
    }
    rows = []
    for user in members:
        count, amount = signed.get(user.pk, (0, ZERO))
        target = targets.get(user.pk)
        progress = TargetProgress(target, start, end, amount) if target is not None else None
        rows.append(TeamMonthRow(user, count, amount, collected.get(user.pk, ZERO), progress))
    return TeamMonth(
        start=start,
        end=end,
        rows=rows,
        signed_amount=sum((row.signed_amount for row in rows), ZERO),
        collected=sum((row.collected for row in rows), ZERO),
        target=sum((t.value for t in targets.values()), ZERO) if targets else None,
    )

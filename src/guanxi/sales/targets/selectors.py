"""Reads about sales targets (业绩目标, ORD-8): periods, the targets a user may see, and their
progress against the actual figures.

Actual figures of a target over its period:
- signed amount: Σ total of contracts signed (signed_on) in the period that are signed,
  executing or completed (drafts, contracts in approval and terminated ones do not count);
- collected amount: Σ confirmed payments received (received_on) in the period;
- new customers: customers created in the period whose owner is the user now (not deleted).
A user's target counts their own records (owner); a department's counts the records of the
department and its sub-departments. Progress = actual ÷ target; a target of 0 has no
progress figure.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from guanxi.accounts.models import Department
from guanxi.accounts.selectors import departments_in_scope, scope_for_user, users_in_scope
from guanxi.core.local_days import local_day_bounds
from guanxi.core.scope import apply_scope
from guanxi.customers.models import Customer
from guanxi.sales.common import money
from guanxi.sales.common.money import fen
from guanxi.sales.models import Contract, Instalment, Payment, SalesTarget

Period = SalesTarget.Period
Metric = SalesTarget.Metric

# Contracts that count as signed business (a terminated contract no longer does).
SIGNED_STATUSES = (
    Contract.Status.SIGNED,
    Contract.Status.EXECUTING,
    Contract.Status.COMPLETED,
)


ZERO = Decimal("0.00")
OVERDUE_CAP = 1_000


# ---------------------------------------------------------------- periods


def period_bounds(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the month, quarter or year containing `day`."""
    if period == Period.MONTH:
        start = day.replace(day=1)
        end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    elif period == Period.QUARTER:
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = dt.date(day.year, first_month, 1)
        last_month = first_month + 2
        end = dt.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    elif period == Period.YEAR:
        start, end = dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    else:
        raise ValueError(f"unknown period {period!r}")
    return start, end


def period_start(period: str, day: dt.date) -> dt.date:
    return period_bounds(period, day)[0]


def progress_percent(actual, target) -> Decimal | None:
    """actual ÷ target in per cent, one decimal, half up; None when the target is 0."""
    target = Decimal(target)
    if target <= 0:
        return None
    return (Decimal(actual) * 100 / target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class TargetProgress:
    target: SalesTarget
    start: dt.date
    end: dt.date
    actual: Decimal

    @property
    def percent(self) -> Decimal | None:
        return progress_percent(self.actual, self.target.value)

    @property
    def bar(self) -> int:
        """Width of the progress bar, 0–100."""
        percent = self.percent
        if percent is None:
            return 0
        return int(min(max(percent, Decimal(0)), Decimal(100)))

    @property
    def reached(self) -> bool:
        return self.actual >= self.target.value

    @property
    def is_count(self) -> bool:
        return self.target.metric == Metric.NEW_CUSTOMERS


# ---------------------------------------------------------------- scoped readers


def customers_for_targets(*, user):
    """Customers (not deleted) in the user's data scope by their owner's line — the same
    scope as sales records, without shares or pools (a collaborator's customers are not
    their new customers)."""
    scope = scope_for_user(user=user)
    queryset = Customer.objects.filter(deleted_at__isnull=True)
    if scope.user_id is None:
        return queryset.none()
    return apply_scope(queryset, scope)


def visible_targets(*, user):
    """Targets of the users and departments in the user's scope (their own always)."""
    scope = scope_for_user(user=user)
    targets = SalesTarget.objects.select_related("user", "department", "set_by")
    if scope.user_id is None:
        return targets.none()
    if scope.sees_all:
        return targets
    department_ids = set(departments_in_scope(user=user).values_list("id", flat=True))
    return targets.filter(
        Q(user_id__in=users_in_scope(user=user).values("id"))
        | Q(user_id=user.pk)
        | Q(department_id__in=department_ids)
    )


def _subtree_ids(department_ids) -> dict[int, set[int]]:
    """For each department, its own id and those of its sub-departments (path tree)."""
    if not department_ids:
        return {}
    departments = list(Department.objects.only("id", "path"))
    by_id = {d.pk: d for d in departments}
    result: dict[int, set[int]] = {}
    for department_id in department_ids:
        root = by_id.get(department_id)
        if root is None:
            result[department_id] = set()
            continue
        result[department_id] = {d.pk for d in departments if d.path.startswith(root.path)}
    return result


def targets_with_progress(*, viewer, targets: list[SalesTarget]) -> list[TargetProgress]:
    """Actual figures for a list of targets, read in the viewer's scope: one GROUP BY query
    per measure (owner × department, one conditional sum per distinct period), summed per
    target in Python. At most four queries, whatever the number of targets."""
    if not targets:
        return []
    bounds = [period_bounds(t.period, t.starts_on) for t in targets]
    spans = sorted(set(bounds))
    first = min(start for start, _ in spans)
    last = max(end for _, end in spans)
    subtrees = _subtree_ids({t.department_id for t in targets if t.department_id})
    user_ids = {t.user_id for t in targets if t.user_id}
    relevant_departments = set().union(*subtrees.values()) if subtrees else set()

    def grouped(queryset, *, date_field, aggregate, measure):
        queryset = queryset.filter(
            Q(owner_id__in=user_ids) | Q(department_id__in=relevant_departments)
        )
        sums = {
            f"s{index}": aggregate(
                measure, filter=Q(**{f"{date_field}__gte": lo, f"{date_field}__lte": hi})
            )
            for index, (lo, hi) in enumerate(spans)
        }
        return list(
            queryset.values("owner_id", "department_id")
            .order_by()
            .annotate(**sums)
            .values_list("owner_id", "department_id", *sums)
        )

    metrics = {t.metric for t in targets}
    rows: dict[str, list[tuple]] = {}
    if Metric.SIGNED in metrics:
        rows[Metric.SIGNED] = grouped(
            Contract.objects.visible_to(viewer).filter(
                status__in=SIGNED_STATUSES, signed_on__gte=first, signed_on__lte=last
            ),
            date_field="signed_on",
            aggregate=Sum,
            measure="total_amount",
        )
    if Metric.COLLECTED in metrics:
        rows[Metric.COLLECTED] = grouped(
            Payment.objects.visible_to(viewer).filter(
                status=Payment.Status.CONFIRMED, received_on__gte=first, received_on__lte=last
            ),
            date_field="received_on",
            aggregate=Sum,
            measure="amount",
        )
    if Metric.NEW_CUSTOMERS in metrics:
        since, until = local_day_bounds(first, last)
        customers = customers_for_targets(user=viewer).filter(
            created_at__gte=since, created_at__lt=until
        )
        sums = {}
        for index, (lo, hi) in enumerate(spans):
            lo_at, hi_at = local_day_bounds(lo, hi)
            sums[f"s{index}"] = Count("id", filter=Q(created_at__gte=lo_at, created_at__lt=hi_at))
        rows[Metric.NEW_CUSTOMERS] = list(
            customers.filter(Q(owner_id__in=user_ids) | Q(department_id__in=relevant_departments))
            .values("owner_id", "department_id")
            .order_by()
            .annotate(**sums)
            .values_list("owner_id", "department_id", *sums)
        )

    result = []
    for target, span in zip(targets, bounds, strict=True):
        column = 2 + spans.index(span)
        members = subtrees.get(target.department_id or 0, set())
        total = Decimal(0)
        for row in rows.get(target.metric, []):
            owner_id, department_id = row[0], row[1]
            if target.user_id is not None:
                if owner_id != target.user_id:
                    continue
            elif department_id not in members:
                continue
            total += Decimal(row[column] or 0)
        if target.metric != Metric.NEW_CUSTOMERS:
            total = fen(total)
        result.append(TargetProgress(target=target, start=span[0], end=span[1], actual=total))
    return result


# ---------------------------------------------------------------- pages


def my_targets(*, user, today: dt.date | None = None) -> list[TargetProgress]:
    """The user's own targets for the current month, quarter and year, with progress."""
    today = today or timezone.localdate()
    condition = Q()
    for period in Period.values:
        condition |= Q(period=period, starts_on=period_start(period, today))
    targets = list(
        SalesTarget.objects.filter(user_id=user.pk)
        .filter(condition)
        .select_related("user")
        .order_by("starts_on", "metric")
    )
    order = {value: index for index, value in enumerate(Period.values)}
    metric_order = {value: index for index, value in enumerate(Metric.values)}
    targets.sort(key=lambda t: (order[t.period], metric_order[t.metric]))
    return targets_with_progress(viewer=user, targets=targets)


def my_month_figures(*, user, today: dt.date | None = None) -> dict:
    """The user's own signed and collected amounts this month and their open overdue
    instalments (count and amount, up to OVERDUE_CAP), in three indexed queries."""
    today = today or timezone.localdate()
    start, end = period_bounds(Period.MONTH, today)
    signed = (
        Contract.objects.filter(
            owner_id=user.pk,
            status__in=SIGNED_STATUSES,
            signed_on__gte=start,
            signed_on__lte=end,
        )
        .order_by()
        .aggregate(n=Count("id"), amount=Sum("total_amount"))
    )
    collected = (
        Payment.objects.filter(
            owner_id=user.pk,
            status=Payment.Status.CONFIRMED,
            received_on__gte=start,
            received_on__lte=end,
        )
        .order_by()
        .aggregate(amount=Sum("amount"))
    )
    # The oldest OVERDUE_CAP + 1 only: a count past the cap says "1,000+" and its amount is
    # a floor ("at least"), so a consultant with a hundred thousand overdue rows costs the
    # same as one with ten.
    oldest = (
        Instalment.objects.filter(owner_id=user.pk, settled=False, active=True, due_on__lt=today)
        .order_by("due_on")
        .values("id")[: OVERDUE_CAP + 1]
    )
    overdue = (
        Instalment.objects.filter(id__in=oldest)
        .order_by()
        .aggregate(n=Count("id"), amount=Sum(F("amount") - F("paid_amount")))
    )
    capped = (overdue["n"] or 0) > OVERDUE_CAP
    return {
        "start": start,
        "end": end,
        "signed_count": signed["n"] or 0,
        "signed_amount": money.sum_fen(signed["amount"]),
        "collected_amount": money.sum_fen(collected["amount"]),
        "overdue_count": min(overdue["n"] or 0, OVERDUE_CAP),
        "overdue_capped": capped,
        "overdue_amount": money.sum_fen(overdue["amount"]),
    }


def targets_for_period(*, user, period: str, starts_on: dt.date) -> list[SalesTarget]:
    """Targets in the user's scope for one period (the targets page and the manager view)."""
    return list(visible_targets(user=user).filter(period=period, starts_on=starts_on))


def recently_signed(*, user, days: int = 14, limit: int = 10, today=None) -> list[Contract]:
    """Contracts signed in the last `days` days in the user's scope, newest first: the
    customers who have just bought (customer relations' starting point after the sale).
    The page's ids are chosen before anything is joined: a busy day has thousands."""
    today = today or timezone.localdate()
    ordering = ("-signed_on", "-id")
    ids = (
        Contract.objects.visible_to(user)
        .filter(
            status__in=SIGNED_STATUSES,
            signed_on__gt=today - dt.timedelta(days=days),
            signed_on__lte=today,
        )
        .order_by(*ordering)
        .values("id")[:limit]
    )
    return list(
        Contract.objects.filter(id__in=ids).select_related("customer", "owner").order_by(*ordering)
    )

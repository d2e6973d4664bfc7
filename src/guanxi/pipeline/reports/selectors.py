"""The pipeline's reports: the funnel (ACQ-4) and team supervision (INT-9).

The funnel: customers reaching each stage, conversion and median days per stage.

Computed from StageMove rows in the database, within the user's data scope (a move is in
scope when its user or department is), in a fixed number of queries whatever the number
of moves:

* reached(stage) — distinct customers with a move in the period to that stage *or a later
  one* (a customer who jumps from 1 to 3 has passed 2): one query grouping the moves per
  customer (highest ladder stage reached, refusal flags), then counting — one pass, instead
  of one COUNT(DISTINCT) sort per stage; for the whole company (no scope, no filter) one
  filtered COUNT over the stored reaches (`StageReach`: a customer's first reach of a stage
  in the period is the move whose previous reach lies before it), no grouping;
* conversion(k → k+1) = reached(k+1) / reached(k);
* median days in a stage — the exact median (as percentile_cont(0.5)) of the whole-day
  `days_in_previous` over the period's moves out of that stage, read from one grouped
  histogram (stage, days) → count: a few thousand rows whatever the number of moves, the
  same on PostgreSQL and SQLite.

Team supervision: each consultant's figures for a manager, one GROUP BY per figure.
Stage accuracy — a judgement is a stage a consultant set (a StageMove by them) between
104 and 14 days ago; it is *reversed* when, within 14 days after it, the same customer was
moved (by anyone) to a lower stage than the one judged (refused counts as the lowest).
Accuracy = judgements not reversed / judgements; no judgements → no figure.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.accounts.selectors import scope_for_user, users_in_scope
from guanxi.core.dates import month_bounds
from guanxi.customers.models import OwnerChange
from guanxi.pipeline.models import (
    REACH_LEVELS,
    FollowUp,
    Prospect,
    Stage,
    StageMove,
    StageReach,
)
from guanxi.pipeline.reports.hooks import targets_for

ACTIVITY_DAYS = 7
MOVES_DAYS = 30
RELEASE_DAYS = 30
REVERSAL_DAYS = 14
JUDGEMENT_WINDOW_DAYS = 90


# ---------------------------------------------------------------- funnel


@dataclass
class FunnelRow:
    stage: Stage
    reached: int
    conversion: float | None  # share of this stage's customers that reached the next one
    median_days: float | None
    # Σ the expected amounts (as they are now) of the customers counted in `reached`
    amount: Decimal = Decimal("0.00")


def _yuan(value: object) -> Decimal:
    """A sum read by raw SQL (a float on SQLite, a Decimal on PostgreSQL) as yuan and fen."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def default_period(*, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, day after end 00:00) in the current (user's) time zone."""
    zone = timezone.get_current_timezone()
    lower = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return lower, upper


def moves_in_scope(*, user: User | AnonymousUser) -> QuerySet[StageMove]:
    """Stage moves whose user or department is in the user's data scope."""
    return StageMove.objects.visible_to(user)


def _medians(moves: QuerySet[StageMove]) -> dict[int, float]:
    """Exact medians (as percentile_cont(0.5)) of the whole-day `days_in_previous` per
    stage left, from one grouped histogram (stage, days) -> count: a hash aggregate of a few
    hundred rows instead of sorting every move per stage."""
    histogram: dict[int, list[tuple[int, int]]] = {}
    for stage_id, days, n in (
        moves.filter(from_stage__isnull=False, days_in_previous__isnull=False)
        .order_by()
        .values("from_stage_id", "days_in_previous")
        .annotate(n=Count("id"))
        .values_list("from_stage_id", "days_in_previous", "n")
    ):
        # `days or 0`: never NULL here (filtered out above), said for the type checker
        histogram.setdefault(stage_id, []).append((days or 0, n))
    medians = {}
    for stage_id, counts in histogram.items():
        counts.sort()
        total = sum(n for _, n in counts)
        low_rank, high_rank = (total - 1) // 2, total // 2  # 0-based middle row(s)
        low = high = 0
        seen = 0
        for days, n in counts:
            if seen <= low_rank < seen + n:
                low = days
            if high_rank < seen + n:
                high = days
                break
            seen += n
        medians[stage_id] = (low + high) / 2
    return medians


def _reached(
    moves: QuerySet[StageMove], ladder: list[Stage], refused: list[Stage]
) -> dict[str, Any]:
    """Per customer in one grouped pass: the highest ladder stage reached and whether each
    refusal stage was; then counted (`s<stage id>`, `moves`) and their expected amounts
    summed (`a<stage id>`). One sort/hash of the customers instead of one
    COUNT(DISTINCT) sort per stage.

    The grouped pass reads the moves alone (narrow rows, in the order of their customer
    index); the prospect's expected amount is joined once per grouped customer afterwards,
    from the prospects that have one (a small partial index), not carried through the group
    by a join of every move with the customers and all the prospects (issue 13: that join
    was about half of the funnel's time at 1M customers)."""
    per_customer = {
        "top": Max(
            Case(
                *[When(to_stage_id=s.pk, then=Value(s.order)) for s in ladder],
                default=None,
                output_field=IntegerField(),
            )
        ),
        "n": Count("*"),
    }
    for stage in refused:
        per_customer[f"r{stage.pk}"] = Max(
            Case(When(to_stage_id=stage.pk, then=Value(1)), default=Value(0))
        )
    sql, params = (
        moves.order_by().values("customer_id").annotate(**per_customer).query.sql_with_params()
    )
    quote = connection.ops.quote_name
    amt = f"p.{quote('expected_amount')}"
    columns = [f"SUM(CASE WHEN sub.{quote('top')} >= %s THEN 1 ELSE 0 END)" for _ in ladder]
    columns += [f"SUM(sub.{quote(f'r{s.pk}')})" for s in refused]
    columns.append(f"SUM(sub.{quote('n')})")
    columns += [f"SUM(CASE WHEN sub.{quote('top')} >= %s THEN {amt} ELSE 0 END)" for _ in ladder]
    columns += [
        f"SUM(CASE WHEN sub.{quote(f'r{s.pk}')} = 1 THEN {amt} ELSE 0 END)" for s in refused
    ]
    # Only the prospects with an amount (index `prospect_amount_idx`): a customer without
    # one adds nothing to a sum, as its NULL did before.
    amounts, amount_params = (
        Prospect.objects.filter(expected_amount__isnull=False)
        .order_by()
        .values("customer_id", "expected_amount")
        .query.sql_with_params()
    )
    query = (
        f"SELECT {', '.join(columns)} FROM ({sql}) sub "  # noqa: S608
        f"LEFT JOIN ({amounts}) p ON p.{quote('customer_id')} = sub.{quote('customer_id')}"
    )
    orders = [s.order for s in ladder]
    with connection.cursor() as cursor:
        cursor.execute(query, orders + orders + list(params) + list(amount_params))
        row = cursor.fetchone()
    counted = len(ladder) + len(refused) + 1
    keys = [f"s{s.pk}" for s in ladder] + [f"s{s.pk}" for s in refused] + ["moves"]
    figures: dict[str, Any] = {
        key: int(value or 0) for key, value in zip(keys, row[:counted], strict=True)
    }
    money_keys = [f"a{s.pk}" for s in ladder] + [f"a{s.pk}" for s in refused]
    figures.update(
        {key: _yuan(value) for key, value in zip(money_keys, row[counted:], strict=True)}
    )
    return figures


def _reached_stored(
    *, lower: dt.datetime, upper: dt.datetime, ladder: list[Stage], refused: list[Stage]
) -> dict[str, Any]:
    """`_reached` for the whole company, from the `StageReach` rows: a customer reached
    ladder order k in the period exactly once for the first time there, on the move whose
    `before_<k>` (the customer's latest earlier reach of k or higher) is before the period.
    So each figure is a filtered COUNT over the period's rows — no grouping per customer —
    and the amounts a second one over the rows of customers that have an amount (joined
    through `prospect_amount_idx`). Under a data scope or a filter the earlier reach may
    be out of the filter; those funnels group the moves (`_reached`)."""
    quote = connection.ops.quote_name
    # as the ORM passes them (SQLite stores UTC text)
    lower_value = connection.ops.adapt_datetimefield_value(lower)
    upper_value = connection.ops.adapt_datetimefield_value(upper)

    def first(stage: Stage) -> str:
        if stage.order >= 0:
            column, level = quote(f"before_{stage.order}"), f"r.{quote('level')} >= %s"
        else:
            column, level = quote("before_same"), f"r.{quote('level')} = %s"
        return f"{level} AND (r.{column} IS NULL OR r.{column} < %s)"

    stages = ladder + refused
    conditions = [first(stage) for stage in stages]
    condition_params: list[Any] = []
    for stage in stages:
        condition_params += [stage.order, lower_value]
    reach = StageReach._meta.db_table
    period = f"r.{quote('at')} >= %s AND r.{quote('at')} < %s"
    counts = ", ".join(f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END)" for c in conditions)
    amt = f"p.{quote('expected_amount')}"
    sums = ", ".join(f"SUM(CASE WHEN {c} THEN {amt} ELSE 0 END)" for c in conditions)
    prospects = Prospect._meta.db_table
    customer = quote("customer_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {counts}, COUNT(*) FROM {quote(reach)} r WHERE {period}",  # noqa: S608
            [*condition_params, lower_value, upper_value],
        )
        row = cursor.fetchone()
        cursor.execute(
            f"SELECT {sums} FROM {quote(prospects)} p "  # noqa: S608
            f"JOIN {quote(reach)} r ON r.{customer} = p.{customer} "
            f"WHERE {amt} IS NOT NULL AND {period}",
            [*condition_params, lower_value, upper_value],
        )
        money = cursor.fetchone()
    figures: dict[str, Any] = {
        f"s{stage.pk}": int(value or 0) for stage, value in zip(stages, row, strict=False)
    }
    figures["moves"] = int(row[-1] or 0)
    figures.update(
        {f"a{stage.pk}": _yuan(value) for stage, value in zip(stages, money, strict=True)}
    )
    return figures


def _stored_reach_answers(
    *, user: User | AnonymousUser, source: int | None, owner: int | None, ladder: list[Stage]
) -> bool:
    """The stored reaches give the funnel exactly for the company's moves unfiltered (a
    first reach under a scope or filter may follow an earlier one outside it)."""
    if source or owner or not scope_for_user(user=user).sees_all:
        return False
    return all(stage.order < REACH_LEVELS for stage in ladder)


def funnel_figures(
    *,
    user: User | AnonymousUser,
    start: dt.date,
    end: dt.date,
    source: int | None = None,
    owner: int | None = None,
) -> dict[str, Any]:
    """The funnel table for the period [start, end] (local dates, inclusive)."""
    lower, upper = _bounds(start, end)
    moves = moves_in_scope(user=user).filter(at__gte=lower, at__lt=upper)
    if source:
        moves = moves.filter(source_id=source)
    if owner:
        moves = moves.filter(user_id=owner)
    stages = list(Stage.objects.order_by("order"))
    refused = [s for s in stages if s.order < 0]
    ladder = [s for s in stages if s.order >= 0]
    if _stored_reach_answers(user=user, source=source, owner=owner, ladder=ladder):
        totals = _reached_stored(lower=lower, upper=upper, ladder=ladder, refused=refused)
    else:
        totals = _reached(moves, ladder, refused)
    medians = _medians(moves)
    rows = []
    for index, stage in enumerate(ladder):
        reached = totals[f"s{stage.pk}"]
        following = ladder[index + 1] if index + 1 < len(ladder) else None
        conversion = None
        if following is not None and reached:
            conversion = totals[f"s{following.pk}"] / reached
        rows.append(
            FunnelRow(stage, reached, conversion, medians.get(stage.pk), totals[f"a{stage.pk}"])
        )
    refused_rows = [
        FunnelRow(
            stage, totals[f"s{stage.pk}"], None, medians.get(stage.pk), totals[f"a{stage.pk}"]
        )
        for stage in refused
    ]
    return {
        "start": start,
        "end": end,
        "rows": rows,
        "refused": refused_rows,
        "moves": totals["moves"],
    }


# ---------------------------------------------------------------- team


@dataclass
class TeamRow:
    user: User
    pool: dict = field(default_factory=dict)  # stage id → tracked customers
    pool_total: int = 0
    overdue: int = 0
    followups: int = 0
    effective: int = 0
    forward: int = 0
    backward: int = 0
    releases: int = 0
    judgements: int = 0
    reversed: int = 0
    tracked_amount: Decimal = Decimal("0.00")  # Σ expected amount of the tracked customers
    closing_amount: Decimal = Decimal("0.00")  # Σ expected amount closing in the month
    forecast: Decimal = Decimal("0.00")  # Σ expected amount × stage probability, same month
    target: Decimal | None = None  # the month's sales target, when one is set

    @property
    def followups_per_day(self) -> float:
        return round(self.followups / ACTIVITY_DAYS, 1)

    @property
    def effective_per_day(self) -> float:
        return round(self.effective / ACTIVITY_DAYS, 1)

    @property
    def accuracy(self) -> float | None:
        if not self.judgements:
            return None
        return (self.judgements - self.reversed) / self.judgements


def supervises_others(*, user: User | AnonymousUser) -> bool:
    """Whether the user's data scope covers anybody else (the Team page's audience)."""
    scope = scope_for_user(user=user)
    if scope.user_id is None:
        return False
    return scope.sees_all or bool(scope.department_ids) or len(scope.owner_ids) > 1


def _grouped(rows: QuerySet, key: str, **figures: Any) -> list[tuple[Any, ...]]:
    """(key, figure, …) per value of `key`: one GROUP BY."""
    grouped = rows.values(key).order_by().annotate(**figures)
    return list(grouped.values_list(key, *figures))


WEIGHTED = DecimalField(max_digits=20, decimal_places=4)


def forecast_by_owner(
    *, owner_ids: list[int], month: dt.date
) -> dict[int, tuple[Decimal, Decimal]]:
    """Per owner, for the prospects expected to close in the month of `month`: (Σ expected
    amount, Σ expected amount × the stage's probability). One GROUP BY."""
    first, last = month_bounds(month)
    closing = Prospect.objects.filter(
        owner_id__in=owner_ids,
        expected_close_on__range=(first, last),
        expected_amount__isnull=False,
        customer__deleted_at__isnull=True,
    )
    weighted = Sum(F("expected_amount") * F("stage__probability"), output_field=WEIGHTED)
    return {
        owner_id: (_yuan(amount), _yuan(Decimal(str(points or 0)) / 100))
        for owner_id, amount, points in _grouped(
            closing, "owner_id", amount=Sum("expected_amount"), points=weighted
        )
    }


def team_overview(*, manager: User, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    users = list(users_in_scope(user=manager).order_by("department__path", "username"))
    rows = {user.pk: TeamRow(user=user) for user in users}
    ids = list(rows)
    stages = list(Stage.objects.order_by("order"))
    tracked = Prospect.objects.filter(owner_id__in=ids, tracked=True)

    for owner_id, stage_id, n in (
        tracked.values("owner_id", "stage_id")
        .order_by()
        .annotate(n=Count("customer_id"))
        .values_list("owner_id", "stage_id", "n")
    ):
        rows[owner_id].pool[stage_id] = n
        rows[owner_id].pool_total += n
    for owner_id, amount in _grouped(tracked, "owner_id", amount=Sum("expected_amount")):
        rows[owner_id].tracked_amount = _yuan(amount)

    month = timezone.localdate(now)
    for owner_id, (amount, forecast) in forecast_by_owner(owner_ids=ids, month=month).items():
        rows[owner_id].closing_amount = amount
        rows[owner_id].forecast = forecast
    for user_id, target in targets_for(user_ids=ids, month=month_bounds(month)[0]).items():
        if user_id in rows:
            rows[user_id].target = target

    overdue = tracked.filter(next_due_at__lt=now)
    for owner_id, n in _grouped(overdue, "owner_id", n=Count("customer_id")):
        rows[owner_id].overdue = n

    followups = FollowUp.objects.filter(
        user_id__in=ids, at__gte=now - dt.timedelta(days=ACTIVITY_DAYS)
    )
    for user_id, total, effective in _grouped(
        followups, "user_id", total=Count("id"), effective=Count("id", filter=Q(effective=True))
    ):
        rows[user_id].followups = total
        rows[user_id].effective = effective

    moves = StageMove.objects.filter(user_id__in=ids, at__gte=now - dt.timedelta(days=MOVES_DAYS))
    higher = Q(from_stage__isnull=True) | Q(to_stage__order__gt=F("from_stage__order"))
    lower = Q(to_stage__order__lt=F("from_stage__order"))
    for user_id, forward, backward in _grouped(
        moves, "user_id", forward=Count("id", filter=higher), backward=Count("id", filter=lower)
    ):
        rows[user_id].forward = forward
        rows[user_id].backward = backward

    # Releases are read from the owner-change log, which keeps them after a claim removes the
    # pool entry.
    releases = OwnerChange.objects.filter(
        from_user_id__in=ids, to_user__isnull=True, at__gte=now - dt.timedelta(days=RELEASE_DAYS)
    )
    for user_id, n in _grouped(releases, "from_user_id", n=Count("id")):
        rows[user_id].releases = n

    later_lower = StageMove.objects.filter(
        customer_id=OuterRef("customer_id"),
        at__gt=OuterRef("at"),
        at__lte=OuterRef("at") + dt.timedelta(days=REVERSAL_DAYS),
        to_stage__order__lt=OuterRef("to_stage__order"),
    )
    settled = now - dt.timedelta(days=REVERSAL_DAYS)
    judged = StageMove.objects.filter(
        user_id__in=ids,
        at__lte=settled,
        at__gt=settled - dt.timedelta(days=JUDGEMENT_WINDOW_DAYS),
    ).annotate(was_reversed=Exists(later_lower))
    for user_id, judgements, reversed_ in _grouped(
        judged, "user_id", n=Count("id"), rev=Count("id", filter=Q(was_reversed=True))
    ):
        rows[user_id].judgements = judgements
        rows[user_id].reversed = reversed_

    team = list(rows.values())
    targets = [row.target for row in team if row.target is not None]
    totals = {
        "tracked_amount": sum((row.tracked_amount for row in team), Decimal("0.00")),
        "closing_amount": sum((row.closing_amount for row in team), Decimal("0.00")),
        "forecast": sum((row.forecast for row in team), Decimal("0.00")),
        "target": sum(targets, Decimal("0.00")) if targets else None,
    }
    return {
        "stages": stages,
        "rows": team,
        "now": now,
        "month": month_bounds(month)[0],
        "totals": totals,
    }

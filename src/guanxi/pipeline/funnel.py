"""The funnel (ACQ-4): customers reaching each stage, conversion and median days per stage.

Computed from StageMove rows in the database, within the user's data scope (a move is in
scope when its user or department is), in a fixed number of queries whatever the number
of moves:

* reached(stage) — distinct customers with a move in the period to that stage *or a later
  one* (a customer who jumps from 1 to 3 has passed 2): one query grouping the moves per
  customer (highest ladder stage reached, refusal flags), then counting — one pass, instead
  of one COUNT(DISTINCT) sort per stage;
* conversion(k → k+1) = reached(k+1) / reached(k);
* median days in a stage — the exact median (as percentile_cont(0.5)) of the whole-day
  `days_in_previous` over the period's moves out of that stage, read from one grouped
  histogram (stage, days) → count: a few thousand rows whatever the number of moves, the
  same on PostgreSQL and SQLite.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, IntegerField, Max, Value, When
from django.utils import timezone

from guanxi.accounts.selectors import scope_for_user
from guanxi.core.scope import scope_q
from guanxi.pipeline.models import Stage, StageMove


@dataclass
class FunnelRow:
    stage: Stage
    reached: int
    conversion: float | None  # share of this stage's customers that reached the next one
    median_days: float | None


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, day after end 00:00) in the current (user's) time zone."""
    zone = timezone.get_current_timezone()
    lower = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return lower, upper


def moves_in_scope(user):
    scope = scope_for_user(user)
    if scope.user_id is None:
        return StageMove.objects.none()
    return StageMove.objects.filter(scope_q(scope, owner_field="user"))


def _medians(moves) -> dict[int, float]:
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
        histogram.setdefault(stage_id, []).append((days, n))
    medians = {}
    for stage_id, counts in histogram.items():
        counts.sort()
        total = sum(n for _, n in counts)
        low_rank, high_rank = (total - 1) // 2, total // 2  # 0-based middle row(s)
        low = high = None
        seen = 0
        for days, n in counts:
            if low is None and low_rank < seen + n:
                low = days
            if high_rank < seen + n:
                high = days
                break
            seen += n
        medians[stage_id] = (low + high) / 2
    return medians


def _reached(moves, ladder, refused) -> dict:
    """Per customer in one grouped pass: the highest ladder stage reached and whether each
    refusal stage was; then counted. One sort/hash of the customers instead of one
    COUNT(DISTINCT) sort per stage."""
    per_customer = {
        "top": Max(
            Case(
                *[When(to_stage_id=s.pk, then=Value(s.order)) for s in ladder],
                default=None,
                output_field=IntegerField(),
            )
        ),
        "n": Count("id"),
    }
    for stage in refused:
        per_customer[f"r{stage.pk}"] = Max(
            Case(When(to_stage_id=stage.pk, then=Value(1)), default=Value(0))
        )
    sql, params = (
        moves.order_by().values("customer_id").annotate(**per_customer).query.sql_with_params()
    )
    quote = connection.ops.quote_name
    columns = [f"SUM(CASE WHEN sub.{quote('top')} >= %s THEN 1 ELSE 0 END)" for _ in ladder]
    columns += [f"SUM(sub.{quote(f'r{s.pk}')})" for s in refused]
    columns.append(f"SUM(sub.{quote('n')})")
    query = f"SELECT {', '.join(columns)} FROM ({sql}) sub"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, [s.order for s in ladder] + list(params))
        values = [int(v or 0) for v in cursor.fetchone()]
    keys = [f"s{s.pk}" for s in ladder] + [f"s{s.pk}" for s in refused] + ["moves"]
    return dict(zip(keys, values, strict=True))


def funnel_figures(user, *, start: dt.date, end: dt.date, source=None, owner=None) -> dict:
    """The funnel table for the period [start, end] (local dates, inclusive)."""
    lower, upper = _bounds(start, end)
    moves = moves_in_scope(user).filter(at__gte=lower, at__lt=upper)
    if source:
        moves = moves.filter(source_id=source)
    if owner:
        moves = moves.filter(user_id=owner)
    stages = list(Stage.objects.order_by("order"))
    refused = [s for s in stages if s.order < 0]
    ladder = [s for s in stages if s.order >= 0]
    totals = _reached(moves, ladder, refused)
    medians = _medians(moves)
    rows = []
    for index, stage in enumerate(ladder):
        reached = totals[f"s{stage.pk}"]
        following = ladder[index + 1] if index + 1 < len(ladder) else None
        conversion = None
        if following is not None and reached:
            conversion = totals[f"s{following.pk}"] / reached
        rows.append(FunnelRow(stage, reached, conversion, medians.get(stage.pk)))
    refused_rows = [
        FunnelRow(stage, totals[f"s{stage.pk}"], None, medians.get(stage.pk)) for stage in refused
    ]
    return {
        "start": start,
        "end": end,
        "rows": rows,
        "refused": refused_rows,
        "moves": totals["moves"],
    }

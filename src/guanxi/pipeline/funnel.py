"""The funnel (ACQ-4): customers reaching each stage, conversion and median days per stage.

Computed from StageMove rows in the database, within the user's data scope (a move is in
scope when its user or department is), in a fixed number of queries whatever the number
of moves:

* reached(stage) — distinct customers with a move in the period to that stage *or a later
  one* (a customer who jumps from 1 to 3 has passed 2): one query of conditional
  COUNT(DISTINCT) aggregates;
* conversion(k → k+1) = reached(k+1) / reached(k);
* median days in a stage — the median of `days_in_previous` over the period's moves out of
  that stage. PostgreSQL: exact, `percentile_cont(0.5)` with GROUP BY (one query).
  SQLite has no percentile function: also exact, by counting per stage (GROUP BY) and then
  reading the middle row(s) of the sorted values with LIMIT/OFFSET (two short queries per
  stage) — no rows are loaded into Python.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q
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


def _medians(moves, stages) -> dict[int, float]:
    if connection.vendor == "postgresql":
        sql, params = (
            moves.filter(from_stage__isnull=False, days_in_previous__isnull=False)
            .values("from_stage_id", "days_in_previous")
            .order_by()
            .query.sql_with_params()
        )
        query = (
            "SELECT sub.from_stage_id, percentile_cont(0.5) WITHIN GROUP "  # noqa: S608
            f"(ORDER BY sub.days_in_previous) FROM ({sql}) sub GROUP BY sub.from_stage_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return {stage_id: float(value) for stage_id, value in cursor.fetchall()}
    valued = moves.filter(from_stage__isnull=False, days_in_previous__isnull=False)
    counts = dict(
        valued.values("from_stage_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("from_stage_id", "n")
    )
    medians = {}
    for stage_id, n in counts.items():
        ordered = (
            valued.filter(from_stage_id=stage_id)
            .order_by("days_in_previous")
            .values_list("days_in_previous", flat=True)
        )
        low = ordered[(n - 1) // 2]
        high = low if n % 2 else ordered[n // 2]
        medians[stage_id] = (low + high) / 2
    return medians


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
    aggregates = {}
    for stage in ladder:
        later = [s.pk for s in ladder if s.order >= stage.order]
        aggregates[f"s{stage.pk}"] = Count(
            "customer_id", distinct=True, filter=Q(to_stage_id__in=later)
        )
    for stage in refused:
        aggregates[f"s{stage.pk}"] = Count(
            "customer_id", distinct=True, filter=Q(to_stage_id=stage.pk)
        )
    aggregates["moves"] = Count("id")
    totals = moves.order_by().aggregate(**aggregates)
    medians = _medians(moves, stages)
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

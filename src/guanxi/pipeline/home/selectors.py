"""Reads for the pipeline's sections of the home page (RPT-1): the customers a consultant or a
team is working, per stage and in money, and who has not followed anybody up today. Every read
is over the tracked pools, which the team quotas bound (20 / 40 / 10 a consultant by default),
so a home page costs the same at a thousand customers and at a million."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.accounts.selectors import users_in_scope
from guanxi.customers.models import Customer, Source
from guanxi.pipeline.models import FollowUp, Prospect, Stage
from guanxi.pipeline.prospects import cadence

WEIGHTED = DecimalField(max_digits=20, decimal_places=4)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class StageMoney:
    stage: Stage
    count: int
    amount: Decimal  # Σ expected amount
    weighted: Decimal  # Σ expected amount × the stage's probability


@dataclass(frozen=True)
class PipelineMoney:
    stages: list[StageMoney]
    count: int
    amount: Decimal
    weighted: Decimal


def _ordered_stages() -> list[Stage]:
    """0 → 4 the way a customer moves, 拒绝 last (as on the board)."""
    return sorted(Stage.objects.order_by("order"), key=lambda stage: (stage.order < 0, stage.order))


def tracked_money_by_stage(*, owner_ids: list[int]) -> PipelineMoney:
    """The customers these owners are working (their tracked pools), per stage: how many, Σ
    expected amount and the weighted Σ amount × probability. One GROUP BY."""
    weighted = Sum(F("expected_amount") * F("stage__probability"), output_field=WEIGHTED)
    grouped = {
        stage_id: (n, amount, points)
        for stage_id, n, amount, points in Prospect.objects.filter(
            owner_id__in=owner_ids, tracked=True, customer__deleted_at__isnull=True
        )
        .values("stage_id")
        .order_by()
        .annotate(n=Count("customer_id"), amount=Sum("expected_amount"), points=weighted)
        .values_list("stage_id", "n", "amount", "points")
    }
    rows = []
    for stage in _ordered_stages():
        n, amount, points = grouped.get(stage.pk, (0, None, None))
        rows.append(
            StageMoney(
                stage=stage,
                count=n,
                amount=Decimal(amount or 0).quantize(CENT),
                weighted=(Decimal(str(points or 0)) / 100).quantize(CENT),
            )
        )
    return PipelineMoney(
        stages=rows,
        count=sum(row.count for row in rows),
        amount=sum((row.amount for row in rows), Decimal("0.00")),
        weighted=sum((row.weighted for row in rows if row.stage.order >= 0), Decimal("0.00")),
    )


@dataclass(frozen=True)
class Idle:
    """A team member who has logged no follow-up today, and what is waiting for them."""

    user: User
    tracked: int
    overdue: int


def team_members(*, manager: User) -> list[User]:
    """The people in the manager's scope other than the manager."""
    return [
        user
        for user in users_in_scope(user=manager).order_by("department__path", "username")
        if user.pk != manager.pk
    ]


def idle_today(*, manager: User, members: list[User], now: dt.datetime | None = None) -> list[Idle]:
    """The members who work a pipeline (they track customers) and have logged no follow-up
    since the start of the manager's today. Three grouped reads, whatever the team's size."""
    now = now or timezone.now()
    ids = [user.pk for user in members]
    tz = cadence.zone_for(manager)
    start, _end = cadence.local_day_bounds(now.astimezone(tz).date(), tz)
    followed = set(
        FollowUp.objects.filter(user_id__in=ids, at__gte=start)
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )
    counts = {
        owner_id: (tracked, overdue)
        for owner_id, tracked, overdue in Prospect.objects.filter(owner_id__in=ids, tracked=True)
        .values("owner_id")
        .order_by()
        .annotate(n=Count("customer_id"), late=Count("customer_id", filter=Q(next_due_at__lt=now)))
        .values_list("owner_id", "n", "late")
    }
    return [
        Idle(user=user, tracked=counts[user.pk][0], overdue=counts[user.pk][1])
        for user in members
        if user.pk in counts and user.pk not in followed
    ]


@dataclass(frozen=True)
class SourceRow:
    source: Source | None
    new: int
    working: int  # at stage 2 or higher now
    signed: int  # a deal won


# The customers a sources table reads at most: the period's newest. Past it the table says it
# covers the newest SOURCE_CAP, so a large company's home page costs what a small one's does.
SOURCE_CAP = 10_000


@dataclass(frozen=True)
class SourceTable:
    rows: list[SourceRow]
    total: int
    capped: bool  # only the period's newest SOURCE_CAP customers were counted


def new_customers_by_source(*, user: User | AnonymousUser, since: dt.date) -> SourceTable:
    """Customers created since `since` (the user's local date) in the user's scope, per
    source: how many, how many are at stage 2 or higher now, how many became a deal. One
    GROUP BY over the period's newest SOURCE_CAP customers (the created-at index)."""
    start, _end = cadence.local_day_bounds(since, cadence.zone_for(user))
    prospect = Prospect.objects.filter(customer_id=OuterRef("pk"))
    newest = (
        Customer.objects.visible_to(user)
        .filter(created_at__gte=start)
        .order_by("-created_at", "-id")
        .annotate(
            stage_order=Subquery(prospect.values("stage__order")[:1]),
            dealt=Subquery(prospect.values("dealt")[:1]),
        )
        .values("source_id", "stage_order", "dealt")[: SOURCE_CAP + 1]
    )
    # The newest rows are read by index and each looks up its own prospect: joined to the
    # prospects instead, PostgreSQL hashed all of them (130 ms at 1M customers).
    sql, params = newest.query.sql_with_params()
    quote = connection.ops.quote_name
    query = (
        f"SELECT sub.{quote('source_id')}, COUNT(*),"  # noqa: S608
        f" SUM(CASE WHEN sub.{quote('stage_order')} >= 2 THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN sub.{quote('dealt')} THEN 1 ELSE 0 END)"
        f" FROM ({sql}) sub GROUP BY sub.{quote('source_id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        grouped = [
            (source_id, int(new), int(working or 0), int(signed or 0))
            for source_id, new, working, signed in cursor.fetchall()
        ]
    total = sum(row[1] for row in grouped)
    sources = Source.objects.in_bulk([row[0] for row in grouped if row[0] is not None])
    rows = [
        SourceRow(sources.get(source_id) if source_id else None, new, working, signed)
        for source_id, new, working, signed in grouped
    ]
    rows.sort(key=lambda row: -row.new)
    return SourceTable(rows=rows, total=min(total, SOURCE_CAP), capped=total > SOURCE_CAP)

"""The pipeline's sections of the home page (RPT-1): a consultant's day and pipeline in money,
the team's pipeline in money and who has not followed anybody up today, and for marketing
where this month's customers came from."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from guanxi.core import home
from guanxi.core.dates import month_bounds
from guanxi.core.home import HomeSection, home_section
from guanxi.pipeline.home import selectors
from guanxi.pipeline.reports.hooks import targets_for
from guanxi.pipeline.reports.selectors import forecast_by_owner
from guanxi.pipeline.worklist import selectors as worklist

# The marketing section's window: the last month's customers.
SOURCE_DAYS = 30
# Rows of each work-list section the home page lists; the work list has the rest.
TODAY_ROWS = 5


def home_today_section(*, request: HttpRequest, user: Any, kinds, **kwargs) -> HomeSection | None:
    """A consultant's today: overdue, due today, about to be recycled, and today's count."""
    if home.SALES not in kinds:
        return None
    rows = worklist.tracked_rows(user=user)
    sections = worklist.worklist_for_user(
        user=user,
        rows=rows,
        limit=TODAY_ROWS,
        sections=("overdue", "today", "about_to_be_recycled"),
    )
    counts = worklist.section_counts(user=user, keys=list(sections), rows=rows)
    context = {
        "sections": sections,
        "counts": counts,
        "followed": worklist.followed_today(user=user),
        "daily_target": worklist.daily_target(user=user),
    }
    return home_section("pipeline/home/today.html", request, context, order=10)


def _month(owner_ids: list[int]) -> dict[str, Any]:
    """This month: Σ expected amount closing in it, its forecast (× probability) and the
    signed-amount target, for the owners together (as on the team page)."""
    month = month_bounds(timezone.localdate())[0]
    closing = forecast_by_owner(owner_ids=owner_ids, month=month).values()
    targets = targets_for(user_ids=owner_ids, month=month)
    return {
        "closing": sum((amount for amount, _forecast in closing), Decimal("0.00")),
        "forecast": sum((forecast for _amount, forecast in closing), Decimal("0.00")),
        "target": sum(targets.values()) if targets else None,
    }


def home_my_pipeline_section(
    *, request: HttpRequest, user: Any, kinds, **kwargs
) -> HomeSection | None:
    """The customers the consultant is working, per stage, in money."""
    if home.SALES not in kinds:
        return None
    context = {
        "money": selectors.tracked_money_by_stage(owner_ids=[user.pk]),
        "month": _month([user.pk]),
        "mine": True,
    }
    return home_section("pipeline/home/pipeline.html", request, context, order=30)


def home_team_pipeline_section(
    *, request: HttpRequest, user: Any, kinds, **kwargs
) -> HomeSection | None:
    """The team's pipeline in money (the funnel of the customers being worked now), its
    forecast against the month's target, and who has not followed anybody up today."""
    if home.MANAGER not in kinds:
        return None
    members = selectors.team_members(manager=user)
    ids = [member.pk for member in members] + [user.pk]
    context = {
        "money": selectors.tracked_money_by_stage(owner_ids=ids),
        "month": _month(ids),
        "mine": False,
    }
    return home_section("pipeline/home/pipeline.html", request, context, order=30)


def home_idle_section(*, request: HttpRequest, user: Any, kinds, **kwargs) -> HomeSection | None:
    if home.MANAGER not in kinds:
        return None
    members = selectors.team_members(manager=user)
    context = {"idle": selectors.idle_today(manager=user, members=members)}
    return home_section("pipeline/home/idle.html", request, context, order=6)


def home_sources_section(*, request: HttpRequest, user: Any, kinds, **kwargs) -> HomeSection | None:
    """Marketing: the last SOURCE_DAYS days' new customers per source and how far they came."""
    if home.MARKETING not in kinds:
        return None
    since = timezone.localdate() - dt.timedelta(days=SOURCE_DAYS - 1)
    context = {
        "table": selectors.new_customers_by_source(user=user, since=since),
        "days": SOURCE_DAYS,
        "cap": selectors.SOURCE_CAP,
    }
    return home_section("pipeline/home/sources.html", request, context, order=10)

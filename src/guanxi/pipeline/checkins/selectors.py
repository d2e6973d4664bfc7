"""Reads of field check-ins (INTG-5), always in the reader's data scope: a consultant sees
their own, a manager their department's (`CheckIn.objects.visible_to`, the follow-ups'
scope)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.errors import NotFound
from guanxi.core.pagination import Page, page_by_id, parse_id
from guanxi.pipeline.models import CheckIn, CustomerLocation

DAY_CAP = 1000  # check-ins on the day page at most (a team's day is far fewer)


@dataclass
class ConsultantDay:
    """One consultant's check-ins of a day, in time order, and how many were flagged."""

    user: Any
    checkins: list[CheckIn] = field(default_factory=list)
    far: int = 0


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def _scoped(user: User | AnonymousUser) -> QuerySet[CheckIn]:
    return CheckIn.objects.visible_to(user).select_related("customer", "user", "followup")


def checkins_of_day(
    *, user: User | AnonymousUser, day: dt.date, consultant_id: int | None = None
) -> list[ConsultantDay]:
    """The day's check-ins in the user's scope (local day), grouped by consultant."""
    start, end = _day_bounds(day)
    rows = _scoped(user).filter(at__gte=start, at__lt=end)
    if consultant_id:
        rows = rows.filter(user_id=consultant_id)
    groups: dict[int | None, ConsultantDay] = {}
    for checkin in rows.order_by("user_id", "at", "id")[:DAY_CAP]:
        group = groups.setdefault(checkin.user_id, ConsultantDay(user=checkin.user))
        group.checkins.append(checkin)
        group.far += int(checkin.far)
    return sorted(groups.values(), key=lambda g: str(g.user or ""))


def checkin_page(
    *,
    user: User | AnonymousUser,
    day: dt.date | None = None,
    consultant_id: int | None = None,
    customer_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[CheckIn]:
    """Check-ins in scope, newest first, keyset paged (the API)."""
    rows = _scoped(user)
    if day is not None:
        start, end = _day_bounds(day)
        rows = rows.filter(at__gte=start, at__lt=end)
    if consultant_id:
        rows = rows.filter(user_id=consultant_id)
    if customer_id:
        rows = rows.filter(customer_id=customer_id)
    return page_by_id(rows, cursor=cursor, limit=limit, maximum=100)


def checkin_get_for_user(*, user: User | AnonymousUser, checkin_id: int | str) -> CheckIn:
    pk = parse_id(checkin_id)
    checkin = _scoped(user).filter(pk=pk).first() if pk else None
    if checkin is None:
        raise NotFound()
    return checkin


def customer_location(*, customer_id: int) -> CustomerLocation | None:
    """The customer's recorded coordinates (the caller has checked it may see the customer)."""
    return CustomerLocation.objects.filter(customer_id=customer_id).first()

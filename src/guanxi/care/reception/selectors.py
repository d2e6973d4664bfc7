"""Reads of the front-desk register (ACQ-5), always in the reader's data scope: the list,
daily counts with their conversion into customers, one customer's entries."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.care.common.permissions import RECEPTION_OTHERS
from guanxi.care.models import Reception
from guanxi.core.dates import as_date
from guanxi.core.errors import found
from guanxi.core.local_days import on_local_days
from guanxi.core.pagination import Page, page_by_keys, parse_id
from guanxi.core.phones import phone_search_digits
from guanxi.core.querysets import filter_given
from guanxi.customers.models import Customer

MAX_DAYS = 366


@dataclass(frozen=True)
class ReceptionFilters:
    day_from: dt.date | None = None
    day_to: dt.date | None = None
    channel: str = ""
    received_by: int | None = None
    # "customer": linked to a customer, "new": became a new customer, "open": not linked yet
    state: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "ReceptionFilters":
        channel = query.get("channel", "")
        state = query.get("state", "")
        return cls(
            day_from=as_date(query.get("from")),
            day_to=as_date(query.get("to")),
            channel=channel if channel in Reception.Channel.values else "",
            received_by=parse_id(query.get("received_by")),
            state=state if state in {"customer", "new", "open"} else "",
        )


def receptions_visible(*, user: User | AnonymousUser) -> QuerySet[Reception]:
    return Reception.objects.visible_to(user)


def _filtered(*, user: User | AnonymousUser, filters: ReceptionFilters) -> QuerySet[Reception]:
    rows = filter_given(
        receptions_visible(user=user).filter(
            **on_local_days("at", filters.day_from, filters.day_to)
        ),
        channel=filters.channel,
        received_by_id=filters.received_by,
    )
    if filters.state == "customer":
        rows = rows.filter(customer__isnull=False)
    elif filters.state == "new":
        rows = rows.filter(converted_at__isnull=False)
    elif filters.state == "open":
        rows = rows.filter(customer__isnull=True)
    return rows


def reception_page(
    *, user: User | AnonymousUser, filters: ReceptionFilters, cursor: str | None, limit: int = 25
) -> Page[Reception]:
    rows = _filtered(user=user, filters=filters).select_related(
        "received_by", "customer", "department"
    )
    return page_by_keys(
        rows,
        keys=[("at", dt.datetime), ("id", int)],
        descending=True,
        cursor=cursor,
        limit=limit,
    )


def reception_get_for_user(*, user: User | AnonymousUser, entry_id: int) -> Reception:
    return found(
        receptions_visible(user=user)
        .select_related("received_by", "customer")
        .filter(pk=entry_id)
        .first()
    )


def reception_can_edit(*, user: User | AnonymousUser, entry: Reception) -> bool:
    from_scope = Reception.objects.editable_by(user, action=RECEPTION_OTHERS)
    return from_scope.filter(pk=entry.pk).exists()


@dataclass(frozen=True)
class DayCounts:
    day: dt.date
    total: int
    walk_in: int
    phone: int
    web: int
    other: int
    demos: int
    linked: int
    converted: int

    @property
    def conversion(self) -> float | None:
        """The share of the day's entries that are (or became) customers."""
        return self.linked / self.total if self.total else None


def reception_daily(
    *, user: User | AnonymousUser, days: int = 14, today: dt.date | None = None
) -> list[DayCounts]:
    """Per local day, newest first: entries by channel, demos, entries that are customers now
    and those that became new customers (ACQ-5's daily counts and conversion). Days without
    entries are listed with zeros so the table reads as a calendar."""
    days = max(1, min(days, MAX_DAYS))
    today = today or timezone.localdate()
    first = today - dt.timedelta(days=days - 1)
    channel = Reception.Channel
    rows = (
        receptions_visible(user=user)
        .filter(**on_local_days("at", first, today))
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(
            total=Count("id"),
            walk_in=Count("id", filter=Q(channel=channel.WALK_IN)),
            phone=Count("id", filter=Q(channel=channel.PHONE)),
            web=Count("id", filter=Q(channel=channel.WEB)),
            other=Count("id", filter=Q(channel=channel.OTHER)),
            demos=Count("id", filter=Q(demo=True)),
            linked=Count("id", filter=Q(customer__isnull=False)),
            converted=Count("id", filter=Q(converted_at__isnull=False)),
        )
        .order_by()
    )
    by_day: dict[dt.date, dict[str, Any]] = {row["day"]: dict(row) for row in rows}
    answer = []
    for offset in range(days):
        day = today - dt.timedelta(days=offset)
        row = by_day.get(day, {})
        answer.append(
            DayCounts(
                day=day,
                total=row.get("total", 0),
                walk_in=row.get("walk_in", 0),
                phone=row.get("phone", 0),
                web=row.get("web", 0),
                other=row.get("other", 0),
                demos=row.get("demos", 0),
                linked=row.get("linked", 0),
                converted=row.get("converted", 0),
            )
        )
    return answer


def receptions_of_customer(
    *, user: User | AnonymousUser, customer: Customer, limit: int = 10
) -> list[Reception]:
    """The customer's front-desk entries the reader may see, newest first."""
    return list(
        receptions_visible(user=user)
        .filter(customer=customer)
        .select_related("received_by")
        .order_by("-at", "-id")[:limit]
    )


def customers_with_phone(
    *, user: User | AnonymousUser, phone: str, limit: int = 5
) -> list[Customer]:
    """Customers the reader may see whose mobile is the visitor's: who to link the entry to."""
    if not phone or phone_search_digits(phone) is None:
        return []
    return list(
        Customer.objects.visible_to(user).filter(mobile=phone).only("id", "name", "owner")[:limit]
    )

"""Reads of the call centre (SRV-3), always in the reader's data scope: who is calling (the
customer card, phones masked), the call log, the rings waiting for an agent's browser and the
scripts for a kind of call."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.accounts.permissions import REVEAL_PII
from guanxi.accounts.selectors import user_can
from guanxi.core.dates import as_date
from guanxi.core.errors import found, invalid_field
from guanxi.core.local_days import local_midnight, on_local_days
from guanxi.core.pagination import Page, page_by_keys, parse_id
from guanxi.core.phones import mask_phone, normalize_phone
from guanxi.core.querysets import filter_given
from guanxi.customers.models import Contact, Customer
from guanxi.customers.phone_index import ids_with_phone
from guanxi.service.models import Call, CallScript, Ring

MATCHES_SHOWN = 5
RECENT_CALLS = 3
# A ring not shown within this long is over: the caller hung up or another agent took it.
RING_FRESH = dt.timedelta(seconds=90)

# The scripts shown with each kind of call (seed 001 步骤三, 步骤五).
SITUATIONS_OF_TYPE: dict[str, list[str]] = {
    Call.Type.INQUIRY: ["greeting", "unclear", "dialect", "unrelated"],
    Call.Type.COMPLAINT: ["greeting", "unclear", "dialect"],
    Call.Type.AFTER_SALES: ["greeting", "unclear", "dialect"],
    Call.Type.WRONG_NUMBER: ["wrong_number"],
    Call.Type.SILENT: ["silent"],
    Call.Type.HARASSMENT: ["harassment"],
    Call.Type.THREAT: ["threat"],
}


def normalised_number(raw: str, *, field_name: str = "number") -> str:
    """The E.164 form of a number in any notation (the archive's normalisation); a field
    error for text that is no phone number. Blank stays blank (a withheld number)."""
    try:
        return normalize_phone(raw or "")
    except ValidationError as error:
        raise invalid_field(field_name, error.messages[0]) from None


@dataclass(frozen=True)
class CustomerCard:
    """What the agent sees of a caller: enough to greet them and know whose customer they
    are; phones masked (the archive's reveal, audited, shows the full number)."""

    id: int
    name: str
    kind: str
    level: str
    category: str
    owner: str
    department: str
    city: str
    mobile_masked: str
    matched_by: str  # "mobile", "office_phone", "home_phone" or "contact"
    can_reveal: bool
    recent_calls: list[Call] = field(default_factory=list)


@dataclass(frozen=True)
class Lookup:
    number: str  # E.164 ("" when withheld)
    number_masked: str
    cards: list[CustomerCard]


CARD_FIELDS = (
    "id",
    "name",
    "kind",
    "level",
    "category",
    "city",
    "mobile",
    "office_phone",
    "home_phone",
    "owner__id",
    "owner__username",
    "owner__display_name",
    "owner__first_name",
    "owner__last_name",
    "department__id",
    "department__name",
)


def _cards(rows: QuerySet[Customer]) -> list[Customer]:
    """At most MATCHES_SHOWN rows, newest first, with what a card shows and nothing more."""
    return list(
        rows.select_related("owner", "department")
        .only(*CARD_FIELDS)
        .order_by("-id")[:MATCHES_SHOWN]
    )


def _matches(user: object, number: str) -> list[tuple[Customer, str]]:
    """The customers in the reader's scope with this number, newest first, and how they
    matched: their mobile (indexed), else a contact's mobile (indexed), else an office or
    home phone (the archive's phone index). Each step reads its cards at once: a known
    mobile costs one query, an unknown number three small ones."""
    visible = Customer.objects.visible_to(user)
    rows = _cards(visible.filter(mobile=number))
    if rows:
        return [(row, "mobile") for row in rows]
    contacts = Contact.objects.filter(mobile=number).values("customer_id")
    rows = _cards(visible.filter(pk__in=contacts))
    if rows:
        return [(row, "contact") for row in rows]
    others = visible.filter(Q(office_phone=number) | Q(home_phone=number))
    if connection.vendor == "sqlite":
        # The equality on two unindexed columns reads every row on SQLite: the trigram
        # index gives the candidates (PostgreSQL's trigram GIN indexes serve `=`).
        national = number[3:] if number.startswith("+86") else number.lstrip("+")
        others = others.filter(
            pk__in=ids_with_phone(national, columns=("office_phone", "home_phone"))
        )
    return [
        (row, "office_phone" if row.office_phone == number else "home_phone")
        for row in _cards(others)
    ]


def caller_lookup(*, user: object, number: str) -> Lookup:
    """The customers a number belongs to, as cards for this reader (scope and masking), each
    with its latest calls. At most five queries whatever the number of matches."""
    e164 = normalised_number(number)
    if not e164:
        return Lookup(number="", number_masked="", cards=[])
    matches = _matches(user, e164)
    recent: dict[int, list[Call]] = {}
    if matches:
        ids = [customer.pk for customer, _how in matches]
        for call in (
            calls_visible(user=user)
            .filter(customer_id__in=ids)
            .select_related("agent")
            .order_by("-started_at", "-id")[: RECENT_CALLS * len(ids)]
        ):
            bucket = recent.setdefault(call.customer_id or 0, [])
            if len(bucket) < RECENT_CALLS:
                bucket.append(call)
    can_reveal = user_can(user=user, permission=REVEAL_PII)
    cards = [
        CustomerCard(
            id=customer.pk,
            name=customer.name,
            kind=customer.get_kind_display(),
            level=customer.get_level_display() if customer.level else "",
            category=customer.get_category_display() if customer.category else "",
            owner=str(customer.owner) if customer.owner else "",
            department=str(customer.department) if customer.department else "",
            city=customer.city,
            mobile_masked=mask_phone(customer.mobile),
            matched_by=how,
            can_reveal=can_reveal,
            recent_calls=recent.get(customer.pk, []),
        )
        for customer, how in matches
    ]
    return Lookup(number=e164, number_masked=mask_phone(e164), cards=cards)


# ---------------------------------------------------------------- the call log


@dataclass(frozen=True)
class CallFilters:
    day_from: dt.date | None = None
    day_to: dt.date | None = None
    type: str = ""
    direction: str = ""
    agent: int | None = None
    customer: int | None = None
    number: str = ""  # E.164

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "CallFilters":
        """Filters from a page's query string; values that make no sense are left out."""
        call_type = query.get("type", "")
        direction = query.get("direction", "")
        try:
            number = normalize_phone(query.get("number", ""))
        except ValidationError:
            number = ""
        try:
            day_from, day_to = as_date(query.get("from")), as_date(query.get("to"))
        except ValueError:
            day_from = day_to = None
        return cls(
            day_from=day_from,
            day_to=day_to,
            type=call_type if call_type in Call.Type.values else "",
            direction=direction if direction in Call.Direction.values else "",
            agent=parse_id(query.get("agent")),
            customer=parse_id(query.get("customer")),
            number=number,
        )


def calls_visible(*, user: object) -> QuerySet[Call]:
    return Call.objects.visible_to(user)


def call_page(
    *, user: object, filters: CallFilters, cursor: str | None, limit: int = 25
) -> Page[Call]:
    rows = filter_given(
        calls_visible(user=user).filter(
            **on_local_days("started_at", filters.day_from, filters.day_to)
        ),
        type=filters.type,
        direction=filters.direction,
        agent_id=filters.agent,
        customer_id=filters.customer,
        number=filters.number,
    )
    return page_by_keys(
        rows.select_related("agent", "customer"),
        keys=[("started_at", dt.datetime), ("id", int)],
        descending=True,
        cursor=cursor,
        limit=limit,
    )


def call_get_for_user(*, user: object, call_id: int) -> Call:
    return found(
        calls_visible(user=user).select_related("agent", "customer").filter(pk=call_id).first()
    )


def calls_today(*, user: User) -> dict[str, int]:
    """The reader's own calls today by type (the agent's home section)."""
    start = local_midnight(timezone.localdate())
    counts = {value: 0 for value in Call.Type.values}
    for call_type in Call.objects.filter(agent=user, started_at__gte=start).values_list(
        "type", flat=True
    ):
        counts[call_type] += 1
    return counts


# ---------------------------------------------------------------- rings and scripts


def ring_pending(*, user: User) -> Ring | None:
    """The newest ring for this agent that no browser has shown yet (one indexed query)."""
    since = timezone.now() - RING_FRESH
    return (
        Ring.objects.filter(agent=user, shown_at__isnull=True, rang_at__gte=since)
        .order_by("-id")
        .first()
    )


def ring_get_for_agent(*, user: User, ring_id: int) -> Ring:
    return found(Ring.objects.filter(agent=user, pk=ring_id).first())


def scripts_for(*, call_type: str = "") -> list[CallScript]:
    """The active scripts for a kind of call, or all of them, in their order."""
    rows = CallScript.objects.filter(is_active=True)
    if call_type:
        rows = rows.filter(situation__in=SITUATIONS_OF_TYPE.get(call_type, []))
    return list(rows.order_by("sort_order", "id"))

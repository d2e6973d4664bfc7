"""Reads of complaints (CMP), each through the scope filter `Complaint.objects.visible_to`:
the complaints the user handles or whose queue is in their scope, and those of the customers
they see (read only)."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import Department, User
from guanxi.accounts.selectors import user_can
from guanxi.core.errors import NotFound
from guanxi.core.pagination import COUNT_CAP, Page, capped_count, page_by_keys
from guanxi.core.query_params import choice_param, given_params, id_param, status_param
from guanxi.core.querysets import filter_given
from guanxi.customers.models import Customer
from guanxi.sales.models import Product
from guanxi.service.common import permissions
from guanxi.service.models import Complaint, ComplaintCategory, ComplaintEvent, Severity

WORKLIST_ROWS = 5
PANEL_ROWS = 10
BOARD_ROWS = 25
# a clock still running is "at risk" this close to its deadline
AT_RISK = dt.timedelta(hours=1)


class Sla:
    MISSED = "missed"  # an open complaint past a target it has not met
    AT_RISK = "at_risk"  # a target due within the hour
    ON_TRACK = "on_track"

    ALL = (MISSED, AT_RISK, ON_TRACK)


@dataclass(frozen=True)
class ComplaintFilters:
    status: str = Complaint.Status.OPEN
    channel: str = ""
    severity: str = ""
    sla: str = ""
    category_id: int | None = None
    owner_id: int | None = None
    department_id: int | None = None
    customer_id: int | None = None
    escalated: bool = False
    unrouted: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "ComplaintFilters":
        """The filters in a query string; "status" absent means open, "all" every status."""
        return cls(
            status=status_param(params, Complaint.Status.values, default=Complaint.Status.OPEN),
            channel=choice_param(params, "channel", Complaint.Channel.values),
            severity=choice_param(params, "severity", Severity.values),
            sla=choice_param(params, "sla", Sla.ALL),
            category_id=id_param(params, "category"),
            owner_id=id_param(params, "owner"),
            department_id=id_param(params, "queue"),
            customer_id=id_param(params, "customer"),
            escalated=str(params.get("escalated") or "") in ("1", "true", "on"),
            unrouted=str(params.get("unrouted") or "") in ("1", "true", "on"),
        )

    def as_params(self) -> dict[str, str]:
        return given_params(
            {
                "status": self.status or "all",
                "channel": self.channel,
                "severity": self.severity,
                "sla": self.sla,
                "category": str(self.category_id or ""),
                "owner": str(self.owner_id or ""),
                "queue": str(self.department_id or ""),
                "customer": str(self.customer_id or ""),
                "escalated": "1" if self.escalated else "",
                "unrouted": "1" if self.unrouted else "",
            }
        )


def visible_complaints(*, user: Any) -> QuerySet[Complaint]:
    return Complaint.objects.visible_to(user)


def missed_q(now: dt.datetime) -> Q:
    """Open complaints past a target they have not met."""
    return Q(status=Complaint.Status.OPEN) & (
        Q(resolve_due__lt=now)
        | Q(routed_at__isnull=True, route_due__lt=now)
        | Q(accepted_at__isnull=True, respond_due__lt=now)
    )


def _within_targets(at: dt.datetime) -> Q:
    """Every target not met yet is due at `at` or later: the negation of `missed_q(at)` said
    positively, so the database reads it as ranges of the deadline indexes (a NOT over ORs
    makes it read every open complaint)."""
    return (
        Q(resolve_due__gte=at)
        & (Q(routed_at__isnull=False) | Q(route_due__gte=at))
        & (Q(accepted_at__isnull=False) | Q(respond_due__gte=at))
    )


def at_risk_q(now: dt.datetime) -> Q:
    """Open, no target missed, one due within the hour."""
    soon = now + AT_RISK
    return (
        Q(status=Complaint.Status.OPEN)
        & _within_targets(now)
        & (
            Q(resolve_due__lt=soon)
            | Q(routed_at__isnull=True, route_due__lt=soon)
            | Q(accepted_at__isnull=True, respond_due__lt=soon)
        )
    )


def on_track_q(now: dt.datetime) -> Q:
    """Open, every target not met yet more than an hour away."""
    return Q(status=Complaint.Status.OPEN) & _within_targets(now + AT_RISK)


def filtered_complaints(
    *, user: Any, filters: ComplaintFilters, now: dt.datetime | None = None
) -> QuerySet[Complaint]:
    now = now or timezone.now()
    rows = filter_given(
        visible_complaints(user=user),
        customer_id=filters.customer_id,
        status=filters.status,
        channel=filters.channel,
        severity=filters.severity,
        category_id=filters.category_id,
        owner_id=filters.owner_id,
        department_id=filters.department_id,
    )
    if filters.escalated:
        rows = rows.filter(escalation_level__gt=0)
    if filters.unrouted:
        rows = rows.filter(status=Complaint.Status.OPEN, owner__isnull=True)
    if filters.sla == Sla.MISSED:
        rows = rows.filter(missed_q(now))
    elif filters.sla == Sla.AT_RISK:
        rows = rows.filter(at_risk_q(now))
    elif filters.sla == Sla.ON_TRACK:
        rows = rows.filter(on_track_q(now))
    return rows


def _listed(rows: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """With the names a list shows only: a customer row is wide."""
    own = [field.name for field in Complaint._meta.concrete_fields if field.name != "description"]
    return rows.select_related("customer", "owner", "category", "department").only(
        *own,
        "customer__id",
        "customer__name",
        "owner__id",
        "owner__username",
        "owner__display_name",
        "category__id",
        "category__name",
        "category__name_en",
        "department__id",
        "department__name",
    )


def complaint_page(
    *, user: Any, filters: ComplaintFilters, cursor: str | None = None, limit: Any = 25
) -> Page[Complaint]:
    """The complaints in scope matching `filters`, newest first, keyset by (received, id)."""
    return page_by_keys(
        _listed(filtered_complaints(user=user, filters=filters)),
        keys=[("created_at", dt.datetime), ("id", int)],
        descending=True,
        cursor=cursor,
        limit=limit,
    )


def complaint_count(*, user: Any, filters: ComplaintFilters) -> tuple[int, bool]:
    return capped_count(filtered_complaints(user=user, filters=filters))


def complaint_for_user(*, user: Any, complaint_id: int) -> Complaint:
    complaint = (
        visible_complaints(user=user)
        .select_related(
            "customer",
            "owner",
            "first_owner",
            "received_by",
            "department",
            "category",
            "item",
            "product",
        )
        .filter(pk=complaint_id)
        .first()
    )
    if complaint is None:
        raise NotFound()
    return complaint


def complaint_events(complaint: Complaint) -> list[ComplaintEvent]:
    return list(complaint.events.select_related("actor").order_by("at", "id"))


def may_change(*, user: Any, complaint: Complaint) -> bool:
    return (
        Complaint.objects.editable_by(user, action=permissions.COMPLAINT_OTHERS)
        .filter(pk=complaint.pk)
        .exists()
    )


# ---------------------------------------------------------------- SLA state of one complaint


@dataclass(frozen=True)
class Clock:
    code: str  # route, respond, resolve
    label: str
    due: dt.datetime
    done_at: dt.datetime | None
    state: str  # met, missed, running, at_risk, late (met after the deadline)


def clocks(complaint: Complaint, *, now: dt.datetime | None = None) -> list[Clock]:
    now = now or timezone.now()
    rows = [
        ("route", _("Routed"), complaint.route_due, complaint.routed_at),
        ("respond", _("Accepted"), complaint.respond_due, complaint.accepted_at),
        ("resolve", _("Resolved"), complaint.resolve_due, complaint.closed_at),
    ]
    out = []
    for code, label, due, done_at in rows:
        if done_at is not None:
            state = "met" if done_at <= due else "late"
        elif complaint.status != Complaint.Status.OPEN:
            state = "met"
        elif due < now:
            state = "missed"
        elif due < now + AT_RISK:
            state = "at_risk"
        else:
            state = "running"
        out.append(Clock(code=code, label=label, due=due, done_at=done_at, state=state))
    return out


def sla_state(complaint: Complaint, *, now: dt.datetime | None = None) -> str:
    states = {clock.state for clock in clocks(complaint, now=now)}
    if "missed" in states:
        return Sla.MISSED
    if "at_risk" in states:
        return Sla.AT_RISK
    return Sla.ON_TRACK


# ---------------------------------------------------------------- the SLA board


@dataclass(frozen=True)
class BoardCard:
    """What a card of the board shows: read as plain values (75 cards as model instances with
    their customer, handler and queue were most of the board's time)."""

    pk: int
    customer_name: str
    title: str
    resolve_due: dt.datetime | None
    escalation_level: int
    handler: str  # the owner, else the queue's department, else ""


@dataclass(frozen=True)
class Board:
    missed: list[BoardCard]
    missed_count: int
    at_risk: list[BoardCard]
    at_risk_count: int
    on_track: list[BoardCard]
    on_track_count: int
    capped: bool


def _capped_counts(
    parts: list[QuerySet[Complaint]], cap: int = COUNT_CAP
) -> list[tuple[int, bool]]:
    """`capped_count` of each queryset, all in one round trip: a scalar subquery each, of
    the SQL the ORM compiled (no user text is pasted into it)."""
    selects: list[str] = []
    params: list[Any] = []
    for index, part in enumerate(parts):
        sql, part_params = part.order_by().values("pk")[: cap + 1].query.sql_with_params()
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS gx_part_{index})")  # noqa: S608
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(selects)}", params)
        row = cursor.fetchone()
    return [(min(count, cap), count > cap) for count in row]


def _cards(rows: QuerySet[Complaint], limit: int) -> list[BoardCard]:
    values = rows.order_by("resolve_due", "id").values_list(
        "pk",
        "customer__name",
        "title",
        "resolve_due",
        "escalation_level",
        "owner__display_name",
        "owner__first_name",
        "owner__last_name",
        "owner__username",
        "department__name",
    )[:limit]
    cards = []
    for pk, customer, title, due, level, display, first, last, username, queue in values:
        # as User.__str__ names a user
        owner = display or " ".join(p for p in (first, last) if p) or username or ""
        cards.append(BoardCard(pk, customer, title, due, level, owner or queue or ""))
    return cards


def sla_board(*, user: Any, rows: int = BOARD_ROWS) -> Board:
    """The open complaints in scope by the state of their clocks: missed (most overdue
    first), at risk, on track (earliest deadline first). Counts capped."""
    now = timezone.now()
    base = visible_complaints(user=user).filter(status=Complaint.Status.OPEN)
    missed = base.filter(missed_q(now))
    at_risk = base.filter(at_risk_q(now))
    on_track = base.filter(on_track_q(now))
    counts = _capped_counts([missed, at_risk, on_track])
    return Board(
        missed=_cards(missed, rows),
        missed_count=counts[0][0],
        at_risk=_cards(at_risk, rows),
        at_risk_count=counts[1][0],
        on_track=_cards(on_track, rows),
        on_track_count=counts[2][0],
        capped=any(capped for _count, capped in counts),
    )


# ---------------------------------------------------------------- other apps' sections


def mine_open(*, user: Any, rows: int = WORKLIST_ROWS) -> tuple[int, bool, list[Complaint]]:
    """The user's open complaints (escalated and earliest deadline first), and the count."""
    mine = Complaint.objects.filter(owner_id=user.pk, status=Complaint.Status.OPEN)
    count, capped = capped_count(mine)
    if not count:
        return 0, False, []
    first = list(_listed(mine).order_by("-escalation_level", "resolve_due", "id")[:rows])
    return count, capped, first


def queue_waiting(*, user: Any, cap: int = COUNT_CAP) -> int:
    """Complaints waiting to be accepted that the user may accept: in a queue of their scope
    or not routed yet (for those who accept from the queues)."""
    if not user_can(user=user, permission=permissions.COMPLAINT_ACCEPT):
        return 0
    rows = visible_complaints(user=user).filter(status=Complaint.Status.OPEN, owner__isnull=True)
    count, _capped = capped_count(rows, cap)
    return count


def waiting_count(*, user: Any, cap: int = COUNT_CAP) -> int:
    """The user's own open complaints not yet accepted or past a target."""
    now = timezone.now()
    rows = Complaint.objects.filter(owner_id=user.pk, status=Complaint.Status.OPEN).filter(
        Q(step=0) | Q(resolve_due__lt=now)
    )
    count, _capped = capped_count(rows, cap)
    return count


def customer_complaints(*, customer: Customer, rows: int = PANEL_ROWS) -> list[Complaint]:
    """The customer's complaints for its 360 page (the caller checked the customer is seen)."""
    return list(
        _listed(Complaint.objects.filter(customer_id=customer.pk)).order_by("-created_at", "-id")[
            :rows
        ]
    )


def customer_complaint_loggable(*, user: Any, customer: Customer) -> bool:
    """Whether the user may log a complaint for the customer (its 360 panel's button)."""
    return (
        Customer.objects.editable_by(user, action=permissions.COMPLAINT_LOG)
        .filter(pk=customer.pk)
        .exists()
    )


# ---------------------------------------------------------------- choices


def category_tree() -> list[ComplaintCategory]:
    """Active categories, each with `.subitems` (active sub-items)."""
    rows = list(ComplaintCategory.objects.filter(active=True).order_by("sort_order", "id"))
    tops = [row for row in rows if row.parent_id is None]
    for top in tops:
        top.subitems = [row for row in rows if row.parent_id == top.pk]  # type: ignore[attr-defined]
    return tops


def product_choices() -> list[Product]:
    return list(Product.objects.filter(active=True).order_by("name")[:500])


def handler_choices() -> list[User]:
    return list(
        User.objects.filter(is_active=True, left_at__isnull=True)
        .select_related("department")
        .order_by("id")[:500]
    )


def department_choices() -> list[Department]:
    return list(Department.objects.order_by("path", "sort_order", "id")[:500])

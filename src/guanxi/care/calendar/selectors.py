"""Reads of the calendar feed (CARE-5): the dated work of one user as iCalendar (RFC 5545).

Events: the next contacts of the customers on the user's work list (pipeline), the user's
open 回访 and care tasks, the deliveries planned under the user's contracts and the
instalments due on them; from 30 days back to 180 days ahead, at most MAX_PER_KIND of each.
Times are UTC (DTSTART …Z), dates all-day (VALUE=DATE)."""

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.care.models import CalendarFeed, CareTask
from guanxi.core.crypto import token_digest
from guanxi.pipeline.models import Prospect
from guanxi.sales.models import Contract, DeliveryPlan, Instalment, Order

PAST = dt.timedelta(days=30)
AHEAD = dt.timedelta(days=180)
MAX_PER_KIND = 500
_LIVE_CONTRACTS = (Contract.Status.SIGNED, Contract.Status.EXECUTING)

if TYPE_CHECKING:
    from icalendar import Event


def feed_for_token(*, token: str) -> CalendarFeed | None:
    """The active feed of `token`; None for an unknown or revoked one."""
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=token_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def feeds_of(*, user: User) -> list[CalendarFeed]:
    return list(CalendarFeed.objects.filter(user=user).order_by("-created_at", "-id")[:20])


def _url(path: str) -> str:
    return f"{settings.GUANXI_SITE_URL}{path}"


def _event(
    *,
    uid: str,
    summary: str,
    start: dt.datetime | dt.date,
    url: str,
    now: dt.datetime,
    description: str = "",
) -> "Event":
    # imported when used: a web worker that never serves a calendar feed does not hold
    # icalendar (~4 MiB; the worker's memory budget, issue 13 §3)
    from icalendar import Event

    event = Event()
    event.add("uid", f"{uid}@guanxi")
    event.add("dtstamp", now)
    event.add("summary", summary)
    if isinstance(start, dt.datetime):
        event.add("dtstart", start.astimezone(dt.UTC))
        event.add("dtend", start.astimezone(dt.UTC) + dt.timedelta(minutes=30))
    else:
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(days=1))
    event.add("url", url)
    if description:
        event.add("description", description)
    return event


def calendar_feed_ical(*, user: User, now: dt.datetime | None = None) -> bytes:
    now = now or timezone.now()
    start, end = now - PAST, now + AHEAD
    today = timezone.localdate(now)
    from icalendar import Calendar  # when used, as _event's

    cal = Calendar()
    cal.add("prodid", "-//Guanxi CRM//care calendar//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Guanxi: %(user)s") % {"user": user.display_name or user.username})
    stamp = now.astimezone(dt.UTC)
    prospects = (
        Prospect.objects.filter(
            owner_id=user.pk,
            tracked=True,
            customer__deleted_at__isnull=True,
            next_contact_at__gte=start,
            next_contact_at__lt=end,
        )
        .select_related("customer")
        .only("customer_id", "customer__name", "next_contact_at")
        .order_by("next_contact_at")[:MAX_PER_KIND]
    )
    for prospect in prospects:
        cal.add_component(
            _event(
                uid=f"prospect-{prospect.pk}-{prospect.next_contact_at:%Y%m%d%H%M}",
                summary=_("Contact %(customer)s") % {"customer": prospect.customer.name},
                start=prospect.next_contact_at or now,
                url=_url(reverse("customers:detail", args=[prospect.customer_id])),
                now=stamp,
            )
        )
    tasks = (
        CareTask.objects.filter(
            assignee_id=user.pk, status=CareTask.Status.OPEN, due_at__gte=start, due_at__lt=end
        )
        .select_related("customer")
        .order_by("due_at")[:MAX_PER_KIND]
    )
    for task in tasks:
        cal.add_component(
            _event(
                uid=f"caretask-{task.pk}",
                summary=f"{task.get_kind_display()}: {task.customer.name} · {task.title}",
                start=task.due_at,
                url=_url(reverse("customers:detail", args=[task.customer_id])),
                now=stamp,
            )
        )
    plans = (
        DeliveryPlan.objects.filter(
            order__contract__owner_id=user.pk,
            order__contract__status__in=_LIVE_CONTRACTS,
            planned_on__gte=start.date(),
            planned_on__lt=end.date(),
            delivered_quantity__lt=F("quantity"),
        )
        .exclude(order__status=Order.Status.CANCELLED)
        .select_related("order__contract__customer", "contract_item")
        .order_by("planned_on")[:MAX_PER_KIND]
    )
    for plan in plans:
        contract = plan.order.contract
        cal.add_component(
            _event(
                uid=f"delivery-{plan.pk}",
                summary=_("Delivery to %(customer)s (%(contract)s)")
                % {"customer": contract.customer.name, "contract": contract.number},
                start=plan.planned_on,
                url=_url(reverse("customers:detail", args=[contract.customer_id])),
                now=stamp,
                description=str(plan.contract_item),
            )
        )
    instalments = (
        Instalment.objects.filter(
            owner_id=user.pk,
            settled=False,
            contract__status__in=_LIVE_CONTRACTS,
            due_on__gte=min(start.date(), today),
            due_on__lt=end.date(),
        )
        .select_related("customer", "contract")
        .order_by("due_on")[:MAX_PER_KIND]
    )
    for instalment in instalments:
        cal.add_component(
            _event(
                uid=f"instalment-{instalment.pk}",
                summary=_("Instalment %(n)s due: %(customer)s (%(contract)s)")
                % {
                    "n": instalment.sequence,
                    "customer": instalment.customer.name,
                    "contract": instalment.contract.number,
                },
                start=instalment.due_on,
                url=_url(reverse("customers:detail", args=[instalment.customer_id])),
                now=stamp,
                description=f"{instalment.amount - instalment.paid_amount:.2f}",
            )
        )
    body: bytes = cal.to_ical()
    return body

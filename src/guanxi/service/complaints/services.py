"""Writes of complaints (CMP-1..3). Every change goes through here, in a transaction, with
its permission checked; bad input raises a field error and changes nothing.

    complaint_create   log a complaint; the routing rules send it to a queue or a user at once
    complaint_accept   接受: the first who accepts becomes the owner (one owner, even when two
                       accept at the same moment: a conditional UPDATE decides)
    complaint_step     平息, 探讨, 行动, 感谢 in order, each with a note
    complaint_route    send it to a queue or a user (the 首问责任人 stays recorded)
    complaint_close    after 感谢, resolved or not; fires COMPLAINT_CLOSED and complaint_closed
    complaint_reopen   back to 平息 with the same owner, a new resolution clock
    complaint_compensate   goodwill; above the threshold through the approval flows
    escalations_run    the scheduled run: a missed target notifies the handler's manager,
                       then the next level, each in their own language; fires
                       complaints_escalated; a rerun does nothing new

Clocks are business minutes of the working calendar (core.workdays)."""

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import Department, User
from guanxi.accounts.selectors import user_can
from guanxi.care.messages.services import (
    NewNotification,
    notification_create,
    notifications_create_many,
)
from guanxi.care.models.rules import Trigger
from guanxi.care.rules.services import care_event_fire
from guanxi.core.audit import audit_record
from guanxi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, invalid_field
from guanxi.core.i18n import in_language_of, language_of
from guanxi.core.sql import id_list
from guanxi.core.workdays import WorkCalendar, business_deadline, business_minutes_between
from guanxi.customers.archive.services import timeline_add
from guanxi.customers.models import Customer
from guanxi.sales.approvals.services import approval_submit
from guanxi.sales.models import ApprovalTarget, Product
from guanxi.service import hooks
from guanxi.service.common import permissions
from guanxi.service.common.amounts import amount_clean
from guanxi.service.complaints import setup_selectors
from guanxi.service.models import (
    Call,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintRoute,
    ComplaintSettings,
    Severity,
    SlaTarget,
)

NOTE_LIMIT = 4000
TITLE_LIMIT = 200

# the five steps of seed 001 任务2, in order; Complaint.step counts those done
STEPS: tuple[str, ...] = (
    ComplaintEvent.Kind.ACCEPT,
    ComplaintEvent.Kind.CALM,
    ComplaintEvent.Kind.SOLVE,
    ComplaintEvent.Kind.ACT,
    ComplaintEvent.Kind.THANK,
)
# when no SLA target row matches at all (the shipped data has a default row)
FALLBACK_TARGETS = setup_selectors.FALLBACK_TARGETS


def step_number(kind: str) -> int:
    """1 for 接受 … 5 for 感谢."""
    return STEPS.index(kind) + 1


# ---------------------------------------------------------------- data the services read


def complaint_settings() -> ComplaintSettings:
    row, _created = ComplaintSettings.objects.get_or_create(pk=1)
    return row


def sla_minutes(*, category_id: int, severity: str) -> tuple[int, int]:
    """(respond, resolve) business minutes: the most specific target row."""
    rows = SlaTarget.objects.filter(
        Q(category_id=category_id) | Q(category__isnull=True),
        Q(severity=severity) | Q(severity=""),
    )
    best = setup_selectors.sla_pick(list(rows), category_id=category_id, severity=severity)
    if best is None:
        return FALLBACK_TARGETS
    return best.respond_minutes, best.resolve_minutes


def route_for(
    *, category_id: int, product_id: int | None, department_id: int | None
) -> ComplaintRoute | None:
    """The first active routing rule whose conditions all match."""
    return (
        ComplaintRoute.objects.filter(active=True)
        .filter(Q(category__isnull=True) | Q(category_id=category_id))
        .filter(Q(product__isnull=True) | Q(product_id=product_id))
        .filter(Q(customer_department__isnull=True) | Q(customer_department_id=department_id))
        .select_related("to_user", "to_department")
        .order_by("priority", "id")
        .first()
    )


def next_escalation(
    *, complaint: Complaint, next_level_minutes: int, calendar: WorkCalendar | None = None
) -> dt.datetime | None:
    """When the escalation run should look at the complaint next: its earliest target not
    met yet; once escalated, not before the next level's wait is over either."""
    if complaint.status != Complaint.Status.OPEN:
        return None
    unmet = [complaint.resolve_due]
    if complaint.routed_at is None:
        unmet.append(complaint.route_due)
    if complaint.accepted_at is None:
        unmet.append(complaint.respond_due)
    first = min(unmet)
    if not complaint.escalation_level or complaint.escalated_at is None:
        return first
    later = business_deadline(
        start=complaint.escalated_at, minutes=next_level_minutes, calendar=calendar
    )
    return max(first, later)


def _event(
    complaint: Complaint,
    *,
    kind: str,
    actor: User | None,
    at: dt.datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at,
        data=data or {},
    )


def _timeline(
    complaint: Complaint,
    *,
    title: str,
    actor: User | None,
    at: dt.datetime,
    data: dict[str, Any],
    body: str = "",
) -> None:
    """The complaint's entry on its customer's timeline; `title` has a %(title)s for the
    complaint's own."""
    timeline_add(
        customer=complaint.customer,
        kind="complaint",
        title=title % {"title": complaint.title},
        actor=actor,
        ref=complaint,
        occurred_at=at,
        body=body,
        data=data,
    )


def _note(note: str, *, required: bool = True, field: str = "note") -> str:
    note = (note or "").strip()
    if required and not note:
        raise invalid_field(field, _("Write a note for this step."))
    if len(note) > NOTE_LIMIT:
        raise invalid_field(field, _("Keep it under %(max)s characters.") % {"max": NOTE_LIMIT})
    return note


def _url(complaint: Complaint) -> str:
    return reverse("service:complaint_detail", args=[complaint.pk])


# ---------------------------------------------------------------- logging a complaint


@dataclass(frozen=True)
class NewComplaint:
    customer_id: int
    channel: str
    category_id: int
    title: str
    description: str
    severity: str = Severity.NORMAL
    item_id: int | None = None
    product_id: int | None = None
    call_id: int | None = None


def _clean_new(*, actor: User | None, new: NewComplaint) -> dict[str, Any]:
    """`actor` None: the customer files it themselves (the caller signed them in)."""
    errors: dict[str, list[str]] = {}
    customers = (
        Customer.objects.all()
        if actor is None
        else Customer.objects.editable_by(actor, action=permissions.COMPLAINT_LOG)
    )
    customer = (
        customers.filter(pk=new.customer_id, deleted_at__isnull=True)
        .only("id", "name", "owner_id", "department_id")
        .first()
    )
    if customer is None:
        errors["customer"] = [_("Choose a customer you may log a complaint for.")]
    if new.channel not in Complaint.Channel.values:
        errors["channel"] = [_("Not a valid choice.")]
    if new.severity not in Severity.values:
        errors["severity"] = [_("Not a valid choice.")]
    category = ComplaintCategory.objects.filter(
        pk=new.category_id, parent__isnull=True, active=True
    ).first()
    if category is None:
        errors["category"] = [_("Choose a category.")]
    item = None
    if new.item_id is not None:
        item = ComplaintCategory.objects.filter(pk=new.item_id, active=True).first()
        if item is None or category is None or item.parent_id != category.pk:
            errors["item"] = [_("Choose a sub-item of the category.")]
    product = None
    if new.product_id is not None:
        product = Product.objects.filter(pk=new.product_id).first()
        if product is None:
            errors["product"] = [_("Not a valid choice.")]
    if new.call_id is not None and not Call.objects.filter(pk=new.call_id).exists():
        errors["call"] = [_("Not a valid choice.")]
    title = (new.title or "").strip()
    if not title:
        errors["title"] = [_("Give the complaint a short title.")]
    elif len(title) > TITLE_LIMIT:
        errors["title"] = [_("Keep it under %(max)s characters.") % {"max": TITLE_LIMIT}]
    description = (new.description or "").strip()
    if not description:
        errors["description"] = [_("Describe what the customer complains about.")]
    elif len(description) > NOTE_LIMIT:
        errors["description"] = [_("Keep it under %(max)s characters.") % {"max": NOTE_LIMIT}]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {
        "customer": customer,
        "category": category,
        "item": item,
        "product": product,
        "title": title,
        "description": description,
    }


def complaint_create(*, actor: User, new: NewComplaint, at: dt.datetime | None = None) -> Complaint:
    """A complaint a staff member logs (service.complaint_log, for a customer in their scope)."""
    return _complaint_insert(actor=actor, new=new, at=at)


def complaint_file(*, customer: Customer, new: NewComplaint) -> Complaint:
    """A complaint the customer files themselves on the portal's form (CMP-1 channel web):
    nobody received it, so it has no first-responsible owner until someone accepts it; the
    routing rules apply at once as for any other."""
    if new.customer_id != customer.pk or new.channel != Complaint.Channel.WEB:
        raise PermissionDenied()
    return _complaint_insert(actor=None, new=new, at=None)


@transaction.atomic
def _complaint_insert(
    *, actor: User | None, new: NewComplaint, at: dt.datetime | None
) -> Complaint:
    clean = _clean_new(actor=actor, new=new)
    customer: Customer = clean["customer"]
    category: ComplaintCategory = clean["category"]
    now = at or timezone.now()
    setup = complaint_settings()
    calendar = WorkCalendar()  # one read of the calendar for the three deadlines
    respond, resolve = sla_minutes(category_id=category.pk, severity=new.severity)
    route = route_for(
        category_id=category.pk,
        product_id=new.product_id,
        department_id=customer.department_id,
    )
    complaint = Complaint(
        customer=customer,
        channel=new.channel,
        category=category,
        item=clean["item"],
        severity=new.severity,
        product=clean["product"],
        title=clean["title"],
        description=clean["description"],
        call_id=new.call_id,
        received_by=actor,
        created_at=now,
        route_due=calendar.deadline(start=now, minutes=setup.route_minutes),
        respond_due=calendar.deadline(start=now, minutes=respond),
        resolve_due=calendar.deadline(start=now, minutes=resolve),
        resolve_target=resolve,
    )
    if route is not None:
        complaint.routed_at = now
        complaint.route_minutes = 0
        complaint.owner = route.to_user
        complaint.department = route.to_department or (
            route.to_user.department if route.to_user else None
        )
    complaint.escalate_at = next_escalation(
        complaint=complaint, next_level_minutes=setup.next_level_minutes
    )
    complaint.save()
    _event(complaint, kind=ComplaintEvent.Kind.RECEIVE, actor=actor, at=now)
    if route is not None:
        _event(
            complaint,
            kind=ComplaintEvent.Kind.ROUTE,
            actor=None,
            at=now,
            data={
                "rule": route.pk,
                "user": route.to_user_id,
                "department": complaint.department_id,
            },
        )
    _timeline(
        complaint,
        title=_("Complaint: %(title)s"),
        actor=actor,
        at=now,
        data={"category": category.code, "channel": complaint.channel, "status": "open"},
    )
    hooks.complaint_opened.call_all(complaint=complaint)
    return complaint


# ---------------------------------------------------------------- who may change what


def _visible(actor: User, complaint_id: int) -> bool:
    return Complaint.objects.visible_to(actor).filter(pk=complaint_id).exists()


def _to_change(*, actor: User, complaint_id: int) -> Complaint:
    """The complaint, locked, when the actor may work on it: their own, others' in scope with
    service.complaint_others. One the actor cannot see answers 404, one they only see 403."""
    complaint = (
        Complaint.objects.editable_by(actor, action=permissions.COMPLAINT_OTHERS)
        .select_for_update(of=("self",))
        .select_related("customer")
        .filter(pk=complaint_id)
        .first()
    )
    if complaint is None:
        if _visible(actor, complaint_id):
            raise PermissionDenied(_("This complaint is handled by someone else."))
        raise NotFound()
    return cast(Complaint, complaint)


def _refuse_closed(complaint: Complaint) -> None:
    """Accepting, the steps, routing and compensation are for open complaints only."""
    if complaint.status != Complaint.Status.OPEN:
        raise Conflict(_("This complaint is closed."), code="ComplaintClosed")


def may_accept(*, actor: User, complaint: Complaint) -> bool:
    """Who may accept: the user it was routed to; anyone who accepts from queues
    (service.complaint_accept) when it waits in a queue or is not routed yet."""
    if complaint.status != Complaint.Status.OPEN:
        return False
    if complaint.owner_id is not None:
        return complaint.owner_id == actor.pk and complaint.step == 0
    return user_can(user=actor, permission=permissions.COMPLAINT_ACCEPT)


# ---------------------------------------------------------------- the five steps


@transaction.atomic
def complaint_accept(*, actor: User, complaint_id: int, note: str) -> Complaint:
    """接受 (or taking it over from a queue after it was routed there). Two users accepting at
    once: the UPDATE's condition (no owner yet, or the actor) lets exactly one through."""
    note = _note(note)
    complaint = cast(
        Complaint | None, Complaint.objects.visible_to(actor).filter(pk=complaint_id).first()
    )
    if complaint is None:
        raise NotFound()
    if not may_accept(actor=actor, complaint=complaint):
        _refuse_closed(complaint)
        if complaint.owner_id not in (None, actor.pk):
            raise Conflict(_("Someone else accepted this complaint."), code="AlreadyAccepted")
        if complaint.owner_id == actor.pk:
            raise Conflict(_("You accepted this complaint already."), code="AlreadyAccepted")
        raise PermissionDenied(_("You may not accept complaints from the queues."))
    now = timezone.now()
    first_step = complaint.step == 0
    changes: dict[str, Any] = {"owner_id": actor.pk, "department_id": actor.department_id}
    if first_step:
        changes.update(
            step=1,
            accepted_at=now,
            respond_minutes=business_minutes_between(start=complaint.created_at, end=now),
        )
    if complaint.routed_at is None:
        # unrouted: whoever accepts is responsible for it (首问责任制) and its routing clock
        # stops; they may still route it on
        changes.update(
            routed_at=now,
            route_minutes=business_minutes_between(start=complaint.created_at, end=now),
        )
    if complaint.first_owner_id is None:
        changes["first_owner_id"] = actor.pk
    taken = (
        Complaint.objects.filter(
            pk=complaint.pk,
            status=Complaint.Status.OPEN,
            step=complaint.step,
        )
        .filter(Q(owner__isnull=True) | Q(owner_id=actor.pk))
        .update(**changes)
    )
    if not taken:
        raise Conflict(_("Someone else accepted this complaint."), code="AlreadyAccepted")
    complaint.refresh_from_db()
    _reschedule(complaint)
    _event(
        complaint,
        kind=ComplaintEvent.Kind.ACCEPT,
        actor=actor,
        at=now,
        note=note,
        data={} if first_step else {"taken_over": True},
    )
    return complaint


def _reschedule(complaint: Complaint) -> None:
    setup = complaint_settings()
    at = next_escalation(complaint=complaint, next_level_minutes=setup.next_level_minutes)
    if at != complaint.escalate_at:
        complaint.escalate_at = at
        Complaint.objects.filter(pk=complaint.pk).update(escalate_at=at)


@transaction.atomic
def complaint_step(*, actor: User, complaint_id: int, step: str, note: str) -> Complaint:
    """平息, 探讨, 行动 or 感谢: the next step only, with its note."""
    if step not in STEPS[1:]:
        raise invalid_field("step", _("Not a valid choice."))
    note = _note(note)
    if Complaint.objects.visible_to(actor).filter(pk=complaint_id, step=0).exists():
        raise invalid_field("step", _("Accept the complaint first (接受)."))
    complaint = _to_change(actor=actor, complaint_id=complaint_id)
    _refuse_closed(complaint)
    number = step_number(step)
    if number != complaint.step + 1:
        expected = ComplaintEvent.Kind(STEPS[min(complaint.step, 4)]).label
        raise invalid_field(
            "step", _("Steps go in order: the next one is %(step)s.") % {"step": expected}
        )
    now = timezone.now()
    done = Complaint.objects.filter(pk=complaint.pk, step=complaint.step).update(
        step=number, updated_at=now
    )
    if not done:  # the row is locked, so this only happens if the lock was not taken
        raise Conflict()
    complaint.step = number
    _event(complaint, kind=step, actor=actor, at=now, note=note)
    return complaint


@transaction.atomic
def complaint_route(
    *,
    actor: User,
    complaint_id: int,
    note: str = "",
    to_user: User | None = None,
    to_department: Department | None = None,
) -> Complaint:
    """Send the complaint to a user or to a department's queue. Its handler routes it on, or
    whoever accepts and routes complaints (service.complaint_accept)."""
    note = _note(note, required=False)
    if (to_user is None) == (to_department is None):
        raise invalid_field("to", _("Choose a user or a department's queue."))
    if to_user is not None and (not to_user.is_active or to_user.left_at is not None):
        raise invalid_field("to", _("Choose an active user."))
    complaint = cast(
        Complaint | None,
        Complaint.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=complaint_id)
        .first(),
    )
    if complaint is None:
        raise NotFound()
    _refuse_closed(complaint)
    if complaint.owner_id != actor.pk and not (
        user_can(user=actor, permission=permissions.COMPLAINT_ACCEPT)
        or user_can(user=actor, permission=permissions.COMPLAINT_OTHERS)
    ):
        raise PermissionDenied(_("Only its handler can route this complaint."))
    now = timezone.now()
    if complaint.routed_at is None:
        complaint.routed_at = now
        complaint.route_minutes = business_minutes_between(start=complaint.created_at, end=now)
    complaint.owner = to_user
    complaint.department = to_department or (to_user.department if to_user else None)
    complaint.escalate_at = next_escalation(
        complaint=complaint, next_level_minutes=complaint_settings().next_level_minutes
    )
    complaint.save(
        update_fields=[
            "routed_at",
            "route_minutes",
            "owner",
            "department",
            "escalate_at",
            "updated_at",
        ]
    )
    _event(
        complaint,
        kind=ComplaintEvent.Kind.ROUTE,
        actor=actor,
        at=now,
        note=note,
        data={"user": complaint.owner_id, "department": complaint.department_id},
    )
    audit_record(actor=actor, action="service.complaint_route", target=complaint)
    if to_user is not None and to_user.pk != actor.pk:
        with in_language_of(to_user):
            title = _("A complaint was routed to you: %(title)s") % {"title": complaint.title}
        notification_create(
            user=to_user,
            title=title,
            url=_url(complaint),
            customer=complaint.customer,
        )
    return complaint


# ---------------------------------------------------------------- close and reopen


@transaction.atomic
def complaint_close(
    *, actor: User, complaint_id: int, resolution: str, note: str = ""
) -> Complaint:
    if resolution not in Complaint.Resolution.values:
        raise invalid_field("resolution", _("Say whether the complaint was resolved."))
    note = _note(note, required=False)
    complaint = _to_change(actor=actor, complaint_id=complaint_id)
    if complaint.status != Complaint.Status.OPEN:
        raise Conflict(_("This complaint is closed already."), code="ComplaintClosed")
    if complaint.step < len(STEPS):
        raise invalid_field(
            "resolution", _("Go through the five steps first; thank the customer (感谢) last.")
        )
    if complaint.compensation_state == Complaint.Compensation.PENDING:
        raise Conflict(_("The compensation is waiting for approval."), code="CompensationPending")
    now = timezone.now()
    complaint.status = Complaint.Status.CLOSED
    complaint.resolution = resolution
    complaint.closed_at = now
    complaint.resolve_minutes = business_minutes_between(start=complaint.created_at, end=now)
    complaint.escalate_at = None
    complaint.save(
        update_fields=[
            "status",
            "resolution",
            "closed_at",
            "resolve_minutes",
            "escalate_at",
            "updated_at",
        ]
    )
    _event(
        complaint,
        kind=ComplaintEvent.Kind.CLOSE,
        actor=actor,
        at=now,
        note=note,
        data={"resolution": resolution},
    )
    _timeline(
        complaint,
        title=_("Complaint closed: %(title)s"),
        actor=actor,
        at=now,
        body=note,
        data={"status": "closed", "resolution": resolution},
    )
    audit_record(
        actor=actor, action="service.complaint_close", target=complaint, summary=resolution
    )
    care_event_fire(
        trigger=Trigger.COMPLAINT_CLOSED,
        customer=complaint.customer,
        occurrence=f"complaint:{complaint.pk}:{complaint.reopened}",
        at=now,
    )
    hooks.complaint_closed.call_all(complaint=complaint, actor=actor)
    return complaint


@transaction.atomic
def complaint_reopen(*, actor: User, complaint_id: int, note: str) -> Complaint:
    """The customer is not satisfied after all: open again at 平息 with the same handler and a
    new resolution clock from now."""
    note = _note(note)
    complaint = _to_change(actor=actor, complaint_id=complaint_id)
    if complaint.status != Complaint.Status.CLOSED:
        raise Conflict(_("This complaint is open."), code="ComplaintOpen")
    now = timezone.now()
    complaint.status = Complaint.Status.OPEN
    complaint.resolution = ""
    complaint.closed_at = None
    complaint.step = 1
    complaint.reopened += 1
    complaint.resolve_minutes = None
    complaint.resolve_due = business_deadline(start=now, minutes=complaint.resolve_target)
    complaint.escalation_level = 0
    complaint.escalated_at = None
    complaint.escalate_at = next_escalation(
        complaint=complaint, next_level_minutes=complaint_settings().next_level_minutes
    )
    complaint.save()
    _event(complaint, kind=ComplaintEvent.Kind.REOPEN, actor=actor, at=now, note=note)
    _timeline(
        complaint,
        title=_("Complaint reopened: %(title)s"),
        actor=actor,
        at=now,
        body=note,
        data={"status": "open"},
    )
    audit_record(actor=actor, action="service.complaint_reopen", target=complaint)
    return complaint


# ---------------------------------------------------------------- compensation


@transaction.atomic
def complaint_compensate(
    *, actor: User, complaint_id: int, amount: Decimal | str, note: str
) -> Complaint:
    """Goodwill for the customer. Up to the threshold it is granted at once; above it, the
    approval flows for complaints decide (no matching flow: granted at once as well)."""
    value = amount_clean(amount, field="amount")
    note = _note(note)
    complaint = _to_change(actor=actor, complaint_id=complaint_id)
    _refuse_closed(complaint)
    if complaint.compensation_state == Complaint.Compensation.PENDING:
        raise Conflict(_("The compensation is waiting for approval."), code="CompensationPending")
    now = timezone.now()
    approval = None
    if value > complaint_settings().compensation_approval_above:
        approval = approval_submit(
            actor=actor,
            target=ApprovalTarget.COMPLAINT,
            record=complaint,
            amount=value,
            department_id=complaint.department_id or actor.department_id,
            product_ids=[complaint.product_id] if complaint.product_id else [],
            title=_("Compensation %(amount)s: %(title)s")
            % {"amount": value, "title": complaint.title},
        )
    complaint.compensation = value
    complaint.compensation_state = (
        Complaint.Compensation.PENDING if approval else Complaint.Compensation.APPROVED
    )
    complaint.save(update_fields=["compensation", "compensation_state", "updated_at"])
    _event(
        complaint,
        kind=ComplaintEvent.Kind.COMPENSATION,
        actor=actor,
        at=now,
        note=note,
        data={"amount": str(value), "state": complaint.compensation_state},
    )
    return complaint


def compensation_finish(*, record_id: int, outcome: str, actor: User) -> None:
    """The approval flows' finisher for complaints: approved, rejected or withdrawn."""
    state = {
        "approved": Complaint.Compensation.APPROVED,
        "rejected": Complaint.Compensation.REJECTED,
        "withdrawn": Complaint.Compensation.NONE,
    }[outcome]
    complaint = Complaint.objects.select_for_update().filter(pk=record_id).first()
    if complaint is None:
        return
    complaint.compensation_state = state
    if state == Complaint.Compensation.NONE:
        complaint.compensation = None
    complaint.save(update_fields=["compensation", "compensation_state", "updated_at"])
    _event(
        complaint,
        kind=ComplaintEvent.Kind.COMPENSATION,
        actor=actor,
        at=timezone.now(),
        data={"amount": str(complaint.compensation or ""), "state": state or "withdrawn"},
    )


def compensation_snapshot(*, record_id: int) -> dict[str, Any]:
    complaint = Complaint.objects.filter(pk=record_id).select_related("customer").first()
    if complaint is None:
        return {}
    return {
        "title": complaint.title,
        "customer": complaint.customer.name,
        "amount": str(complaint.compensation or ""),
    }


# ---------------------------------------------------------------- escalation


def _chain(*, owner: User | None, department: Department | None) -> list[User]:
    """Who hears of a missed target, level by level: the handler's manager (reports_to, else
    the head of their department or one above), then that person's, and so on. A complaint
    in a queue starts with the queue's department head."""
    people: list[User] = []
    seen: set[int] = set()
    current: User | None = owner
    if current is None and department is not None:
        current = department.manager
        if current is not None and current.is_active:
            people.append(current)
    if current is not None:
        seen.add(current.pk)
    while current is not None and len(people) < 6:
        boss = current.reports_to if current.reports_to_id else _head_above(current)
        if boss is None or boss.pk in seen or not boss.is_active:
            break
        people.append(boss)
        seen.add(boss.pk)
        current = boss
    return people


def _head_above(user: User) -> User | None:
    department = user.department
    while department is not None:
        if department.manager_id and department.manager_id != user.pk:
            return department.manager
        department = department.parent
    return None


class _Chains:
    """The escalation chains of the handlers and queues of one run: a handful of people and
    departments however many complaints are due, each looked up once."""

    def __init__(self) -> None:
        self._known: dict[tuple[int | None, int | None], list[User]] = {}

    def of(self, *, owner_id: int | None, department_id: int | None) -> list[User]:
        key = (owner_id, None) if owner_id is not None else (None, department_id)
        if key not in self._known:
            owner = (
                User.objects.select_related("reports_to", "department__manager")
                .filter(pk=owner_id)
                .first()
                if owner_id is not None
                else None
            )
            department = (
                Department.objects.select_related("manager").filter(pk=department_id).first()
                if owner_id is None and department_id is not None
                else None
            )
            self._known[key] = _chain(owner=owner, department=department)
        return self._known[key]


def _first_unmet_due() -> Least:
    """SQL for the earliest target an open complaint has not met (next_escalation's `first`):
    a met target counts as its resolution deadline, which is never earlier than itself."""
    return Least(
        F("resolve_due"),
        Case(When(routed_at__isnull=True, then=F("route_due")), default=F("resolve_due")),
        Case(When(accepted_at__isnull=True, then=F("respond_due")), default=F("resolve_due")),
    )


URL_SLOT = 987654321  # an id no complaint has while the URL pattern is built once per batch
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MissedTarget:
    """A target of a complaint past its deadline and not met: `target` is route, respond or
    resolve."""

    target: str
    due: dt.datetime


@dataclass(frozen=True)
class Escalation:
    """One complaint moved up a level by the escalation run (hooks.complaints_escalated):
    the level it reached, who was notified, and the targets missed (earliest first)."""

    complaint_id: int
    level: int
    notified: User
    missed: tuple[MissedTarget, ...]


@dataclass(frozen=True)
class _DueRow:
    id: int
    owner_id: int | None
    department_id: int | None
    level: int
    title: str
    reopened: int
    customer_id: int
    customer_name: str
    escalate_at: dt.datetime | None  # never None here: the rows are due
    route_due: dt.datetime
    routed_at: dt.datetime | None
    respond_due: dt.datetime
    accepted_at: dt.datetime | None
    resolve_due: dt.datetime

    def missed(self, now: dt.datetime) -> tuple[MissedTarget, ...]:
        """The targets past at `now` and not met (the complaint is open: not resolved)."""
        unmet = (
            ("route", self.route_due, self.routed_at is None),
            ("respond", self.respond_due, self.accepted_at is None),
            ("resolve", self.resolve_due, True),
        )
        return tuple(
            MissedTarget(target=target, due=due)
            for target, due, open_ in sorted(unmet, key=lambda item: item[1])
            if open_ and due <= now
        )


def escalations_run(*, now: dt.datetime | None = None, batch: int = 5000) -> dict[str, int]:
    """Escalate the open complaints whose next escalation is due, set-based: per batch one
    SELECT of the due rows (locked, skipping rows another run holds), one UPDATE per level,
    and the events and notifications inserted in bulk. Each complaint moves one level per run
    at most (its next look is after the next level's wait, later than `now`), and the UPDATE
    is conditional on the level it was read at: a rerun, or an overlapping run, escalates
    nobody twice; notifications have a dedup key per complaint, reopening and level."""
    now = now or timezone.now()
    setup = complaint_settings()
    # every row escalated now was due, so its earliest unmet target is past: its next look
    # is when the next level's wait is over (the same instant for all), or that target if a
    # service has not rescheduled it yet
    next_level_at = business_deadline(
        start=now, minutes=setup.next_level_minutes, calendar=WorkCalendar()
    )
    chains = _Chains()
    totals = {"escalated": 0, "stopped": 0, "looked_at": 0}
    after = Q()
    while True:
        with transaction.atomic():
            due = [
                _DueRow(*row)
                for row in Complaint.objects.filter(
                    after, status=Complaint.Status.OPEN, escalate_at__lte=now
                )
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("escalate_at", "id")
                .values_list(
                    "id",
                    "owner_id",
                    "department_id",
                    "escalation_level",
                    "title",
                    "reopened",
                    "customer_id",
                    "customer__name",
                    "escalate_at",
                    "route_due",
                    "routed_at",
                    "respond_due",
                    "accepted_at",
                    "resolve_due",
                )[:batch]
            ]
            if not due:
                break
            escalated, stopped = _escalate_batch(
                due, chains=chains, now=now, next_level_at=next_level_at
            )
        totals["looked_at"] += len(due)
        totals["escalated"] += escalated
        totals["stopped"] += stopped
        if len(due) < batch:
            break
        # the next batch starts after this one in the index: not through the index entries
        # this batch's UPDATEs left behind (a row skipped as locked is another run's)
        last = due[-1]
        after = Q(escalate_at__gt=last.escalate_at) | Q(
            escalate_at=last.escalate_at, id__gt=last.id
        )
    return totals


def _escalate_batch(
    due: list[_DueRow], *, chains: _Chains, now: dt.datetime, next_level_at: dt.datetime
) -> tuple[int, int]:
    """One batch of `escalations_run` (in its transaction): (escalated, stopped)."""
    to_stop: dict[int, list[int]] = {}
    to_move: dict[int, list[tuple[_DueRow, User]]] = {}
    for row in due:
        chain = chains.of(owner_id=row.owner_id, department_id=row.department_id)
        if row.level >= len(chain):
            to_stop.setdefault(row.level, []).append(row.id)
        else:
            to_move.setdefault(row.level, []).append((row, chain[row.level]))
    open_due = Q(status=Complaint.Status.OPEN, escalate_at__lte=now)
    # one reverse() for the batch, not one per row (a third of the run's Python time)
    url_of = reverse("service:complaint_detail", args=[URL_SLOT]).replace(str(URL_SLOT), "{}")
    stopped = 0
    for level, ids in to_stop.items():
        stopped += Complaint.objects.filter(
            open_due, pk__in=id_list(ids), escalation_level=level
        ).update(escalate_at=None)
    events: list[ComplaintEvent] = []
    notes: list[NewNotification] = []
    escalations: list[Escalation] = []
    title_in: dict[str, str] = {}  # the notice's title, per language of the recipients
    for level, rows in to_move.items():
        ids = [row.id for row, _recipient in rows]
        moved = Complaint.objects.filter(
            open_due, pk__in=id_list(ids), escalation_level=level
        ).update(
            escalation_level=level + 1,
            escalated_at=now,
            escalate_at=Greatest(_first_unmet_due(), Value(next_level_at)),
        )
        if moved != len(ids):  # rows the lock did not hold (SQLite has no row locks)
            done = set(
                Complaint.objects.filter(
                    pk__in=id_list(ids), escalation_level=level + 1, escalated_at=now
                ).values_list("id", flat=True)
            )
            rows = [(row, recipient) for row, recipient in rows if row.id in done]
        for row, recipient in rows:
            language = language_of(recipient)
            if language not in title_in:
                with in_language_of(recipient):
                    title_in[language] = _("Complaint past its target (level %(level)s): %(title)s")
            events.append(
                ComplaintEvent(
                    complaint_id=row.id,
                    kind=ComplaintEvent.Kind.ESCALATE,
                    at=now,
                    data={"level": level + 1, "to": recipient.pk},
                )
            )
            notes.append(
                NewNotification(
                    user_id=recipient.pk,
                    title=title_in[language] % {"level": level + 1, "title": row.title},
                    body=row.customer_name,
                    url=url_of.format(row.id),
                    customer_id=row.customer_id,
                    dedup_key=f"complaint:{row.id}:{row.reopened}:level:{level + 1}",
                )
            )
            escalations.append(
                Escalation(
                    complaint_id=row.id,
                    level=level + 1,
                    notified=recipient,
                    missed=row.missed(now),
                )
            )
    ComplaintEvent.objects.bulk_create(events, batch_size=1000)
    notifications_create_many(rows=notes)
    _escalated_announce(escalations, now=now)
    return len(events), stopped


def _escalated_announce(escalations: list[Escalation], *, now: dt.datetime) -> None:
    """Tell the apps above (webhooks: complaint.escalated) in the batch's transaction, so an
    event is queued exactly when the escalation commits — in a savepoint of its own: a
    listener that fails is logged and undone, and never holds up the escalation run."""
    if not escalations:
        return
    try:
        with transaction.atomic():
            hooks.complaints_escalated.call_all(escalations=escalations, at=now)
    except Exception:
        logger.exception("complaints_escalated listener failed (%s escalations)", len(escalations))

"""Writes of the call centre (SRV-3): log a call (on the customer's timeline when it is one
of theirs), and the rings a softphone reports, shown once in the agent's browser."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.customers.archive.services import timeline_add
from guanxi.customers.models import Customer
from guanxi.service.calls.permissions import CALLS
from guanxi.service.calls.selectors import normalised_number
from guanxi.service.models import Call, Ring

MAX_DURATION = 24 * 3600
NOTES_LIMIT = 1000
# A clock a few minutes fast at the softphone is no reason to refuse a call.
FUTURE_SLACK = dt.timedelta(minutes=10)


@dataclass(frozen=True, kw_only=True)
class CallInput:
    """A call as the agent logs it; `started_at` None is now."""

    direction: str
    type: str
    number: str = ""
    started_at: dt.datetime | None = None
    duration_seconds: int = 0
    notes: str = ""


def _clean(data: CallInput) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    if data.direction not in Call.Direction.values:
        errors["direction"] = [_("Choose inbound or outbound.")]
    if data.type not in Call.Type.values:
        errors["type"] = [_("Choose the type of call.")]
    number = ""
    try:
        number = normalised_number(data.number)
    except ValidationFailed as error:
        errors.update(error.field_errors)
    started_at = data.started_at or timezone.now()
    if timezone.is_naive(started_at):
        errors["started_at"] = [_("Give the time with its time zone.")]
    elif started_at > timezone.now() + FUTURE_SLACK:
        errors["started_at"] = [_("The time cannot be in the future.")]
    if not 0 <= data.duration_seconds <= MAX_DURATION:
        errors["duration_seconds"] = [_("Give the duration in seconds, at most one day.")]
    notes = (data.notes or "").strip()
    if len(notes) > NOTES_LIMIT:
        errors["notes"] = [_("At most %(limit)d characters.") % {"limit": NOTES_LIMIT}]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {
        "direction": data.direction,
        "type": data.type,
        "number": number,
        "started_at": started_at,
        "duration_seconds": data.duration_seconds,
        "notes": notes,
    }


@transaction.atomic
def call_log(
    *, actor: User, data: CallInput, customer: Customer | None = None, ring: Ring | None = None
) -> Call:
    """Log a call the actor took or made (permission service.calls). The customer, if any,
    is one the caller already checked the actor may see; the call goes on their timeline.
    A ring it answers is linked to it."""
    if not user_can(user=actor, permission=CALLS):
        raise PermissionDenied(_("You may not log calls."))
    values = _clean(data)
    call = Call.objects.create(
        **values,
        agent=actor,
        department_id=actor.department_id,
        customer=customer,
        created_by=actor,
    )
    if customer is not None:
        timeline_add(
            customer=customer,
            kind="call",
            title=_("%(direction)s call: %(type)s")
            % {"direction": call.get_direction_display(), "type": call.get_type_display()},
            body=call.notes,
            actor=actor,
            occurred_at=call.started_at,
            ref=call,
            data={"direction": call.direction, "type": call.type, "seconds": call.duration_seconds},
        )
    if ring is not None and ring.agent_id == actor.pk and ring.call_id is None:
        Ring.objects.filter(pk=ring.pk).update(call=call)
    return call


@transaction.atomic
def ring_report(*, agent: User, number: str) -> Ring:
    """A call ringing at the agent's phone (what a softphone or CTI reports). The agent must
    be an active user who answers calls; the number may be withheld (blank)."""
    errors: dict[str, list[str]] = {}
    e164 = ""
    try:
        e164 = normalised_number(number)
    except ValidationFailed as error:
        errors.update(error.field_errors)
    if not agent.is_active or not user_can(user=agent, permission=CALLS):
        errors["agent"] = [_("This user does not answer calls.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return Ring.objects.create(agent=agent, number=e164, rang_at=timezone.now())


def ring_take(*, ring: Ring) -> bool:
    """Mark the ring shown; False if a browser (another tab) showed it already."""
    return bool(
        Ring.objects.filter(pk=ring.pk, shown_at__isnull=True).update(shown_at=timezone.now())
    )

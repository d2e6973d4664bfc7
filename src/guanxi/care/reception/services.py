"""Writes of the front-desk register (ACQ-5): log an entry in seconds, correct it, and turn
the visitor into a customer (a new one, or linked to the one they already are)."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.care.common.permissions import RECEPTION_OTHERS
from guanxi.care.models import Reception
from guanxi.core.errors import Conflict, ValidationFailed, found
from guanxi.core.phones import normalize_phone
from guanxi.core.scope import scope_of
from guanxi.customers.archive.services import customer_create, timeline_add
from guanxi.customers.archive.validation import CustomerInput
from guanxi.customers.models import Customer, Source

MAX_MINUTES = 24 * 60
MAX_PARTY = 50
TEXT_LIMITS = {"visitor_name": 50, "need": 300, "product_interest": 120, "notes": 500}
# A clock a few minutes fast at the front desk is no reason to refuse an entry.
FUTURE_SLACK = dt.timedelta(minutes=10)

# The customer archive's first-contact channel and source for each way in.
CUSTOMER_CHANNEL = {
    Reception.Channel.WALK_IN: Customer.Channel.SHOWROOM,
    Reception.Channel.PHONE: Customer.Channel.PHONE,
    Reception.Channel.WEB: Customer.Channel.WEB,
    Reception.Channel.OTHER: Customer.Channel.UNKNOWN,
}
CUSTOMER_SOURCE: dict[str, str] = {Reception.Channel.WALK_IN: "walk_in"}


@dataclass(frozen=True, kw_only=True)
class ReceptionInput:
    """A front-desk entry as given; `at` None is now, `received_by` None is the actor."""

    channel: str
    at: dt.datetime | None = None
    visitor_name: str = ""
    phone: str = ""
    party_size: int = 1
    need: str = ""
    product_interest: str = ""
    demo: bool = False
    demo_minutes: int | None = None
    stay_minutes: int | None = None
    notes: str = ""
    received_by: User | None = None


def _minutes(value: int | None, field: str, errors: dict[str, list[str]]) -> int | None:
    if value is None:
        return None
    if not 0 <= value <= MAX_MINUTES:
        errors[field] = [_("Give the minutes as a number from 0 to 1440.")]
    return value


def _clean(data: ReceptionInput, *, actor: User) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    if data.channel not in Reception.Channel.values:
        errors["channel"] = [_("Choose how the visitor came in.")]
    at = data.at or timezone.now()
    if timezone.is_naive(at):
        errors["at"] = [_("Give the time with its time zone.")]
    elif at > timezone.now() + FUTURE_SLACK:
        errors["at"] = [_("The time cannot be in the future.")]
    texts = {}
    for field, limit in TEXT_LIMITS.items():
        value = str(getattr(data, field) or "").strip()
        if len(value) > limit:
            errors[field] = [_("At most %(limit)d characters.") % {"limit": limit}]
        texts[field] = value
    phone = ""
    try:
        phone = normalize_phone(data.phone or "")
    except ValidationError as error:
        errors["phone"] = list(error.messages)
    if not texts["visitor_name"] and not phone:
        errors.setdefault("visitor_name", [_("Give the visitor's name or a phone number.")])
    if not 1 <= data.party_size <= MAX_PARTY:
        errors["party_size"] = [_("Give the number of people from 1 to 50.")]
    demo_minutes = _minutes(data.demo_minutes, "demo_minutes", errors)
    stay_minutes = _minutes(data.stay_minutes, "stay_minutes", errors)
    if demo_minutes is not None and not data.demo:
        errors["demo_minutes"] = [_("Tick the demo / test drive to give its length.")]
    if demo_minutes and stay_minutes is not None and demo_minutes > stay_minutes:
        errors["demo_minutes"] = [_("The demo cannot be longer than the whole stay.")]
    received_by = data.received_by or actor
    if not received_by.is_active:
        errors["received_by"] = [_("This user is no longer active.")]
    elif received_by.pk != actor.pk:
        scope = scope_of(actor)
        if RECEPTION_OTHERS not in scope.permissions or not scope.covers(
            owner_id=received_by.pk, department_id=received_by.department_id
        ):
            errors["received_by"] = [_("You may log entries only as received by yourself.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {
        "channel": data.channel,
        "at": at,
        "phone": phone,
        "party_size": data.party_size,
        "demo": data.demo,
        "demo_minutes": demo_minutes,
        "stay_minutes": stay_minutes,
        "received_by": received_by,
        "department_id": received_by.department_id,
        **texts,
    }


def _timeline(entry: Reception, *, customer: Customer, actor: User) -> None:
    timeline_add(
        customer=customer,
        kind="reception",
        title=_("%(channel)s registered at the front desk")
        % {"channel": entry.get_channel_display()},
        body=entry.need,
        actor=actor,
        occurred_at=entry.at,
        ref=entry,
        data={"channel": entry.channel, "demo": entry.demo, "demo_minutes": entry.demo_minutes},
    )


@transaction.atomic
def reception_log(
    *, actor: User, data: ReceptionInput, customer: Customer | None = None
) -> Reception:
    """A new entry; `customer` (one the actor may see) links it to who the visitor is."""
    entry = Reception(created_by=actor, customer=customer, **_clean(data, actor=actor))
    entry.save()
    if customer is not None:
        _timeline(entry, customer=customer, actor=actor)
    return entry


def _editable(*, actor: User, entry: Reception) -> Reception:
    editable: Reception = found(
        Reception.objects.editable_by(actor, action=RECEPTION_OTHERS)
        .select_for_update()
        .filter(pk=entry.pk)
        .first()
    )
    return editable


@transaction.atomic
def reception_update(*, actor: User, entry: Reception, data: ReceptionInput) -> Reception:
    locked = _editable(actor=actor, entry=entry)
    for field, value in _clean(data, actor=actor).items():
        setattr(locked, field, value)
    locked.save()
    return locked


@transaction.atomic
def reception_convert(*, actor: User, entry: Reception, owner: User | None = None) -> Customer:
    """A new customer from the entry (the archive's duplicate check applies: a visitor who is
    a customer already is refused with the match, to be linked instead)."""
    locked = _editable(actor=actor, entry=entry)
    if locked.customer_id is not None:
        raise Conflict(_("This entry is linked to a customer already."), code="AlreadyLinked")
    if not locked.visitor_name:
        raise ValidationFailed(
            field_errors={
                "visitor_name": [_("Give the visitor's name before creating a customer.")]
            }
        )
    source = Source.objects.filter(code=CUSTOMER_SOURCE.get(locked.channel, "")).first()
    customer = customer_create(
        actor=actor,
        owner=owner,
        data=CustomerInput(
            name=locked.visitor_name,
            mobile=locked.phone,
            first_contact_at=locked.at,
            first_contact_channel=CUSTOMER_CHANNEL[Reception.Channel(locked.channel)],
            products_of_interest=locked.product_interest,
            visit_minutes=locked.stay_minutes,
            needs=locked.need,
            source=source,
        ),
    )
    locked.customer = customer
    locked.converted_at = timezone.now()
    locked.save(update_fields=["customer", "converted_at"])
    _timeline(locked, customer=customer, actor=actor)
    return customer


@transaction.atomic
def reception_link(*, actor: User, entry: Reception, customer: Customer) -> Reception:
    """Link the entry to the customer the visitor already is (one the actor may see)."""
    locked = _editable(actor=actor, entry=entry)
    if locked.customer_id == customer.pk:
        return locked
    if locked.customer_id is not None:
        raise Conflict(_("This entry is linked to a customer already."), code="AlreadyLinked")
    locked.customer = customer
    locked.save(update_fields=["customer"])
    _timeline(locked, customer=customer, actor=actor)
    return locked

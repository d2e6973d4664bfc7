"""The events a subscription can ask for (INTG-3), with their labels; the payload of each is
documented in docs/api.md "Webhooks". A higher app (the complaints of `service`) adds its own
with `event_register` from the webhooks wiring — the one registration point."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PAYLOAD_VERSION = 1


@dataclass(frozen=True)
class EventType:
    name: str
    label: str | Promise
    group: str  # "record": a change of a record; "notice": for people (WeCom robots)


EVENTS: dict[str, EventType] = {}


def event_register(name: str, label: str | Promise, *, group: str = "record") -> None:
    EVENTS[name] = EventType(name=name, label=label, group=group)


for _name, _label, _group in (
    ("customer.created", _("Customer created"), "record"),
    ("customer.updated", _("Customer updated"), "record"),
    ("customer.merged", _("Customers merged"), "record"),
    ("customer.owner_changed", _("Customer owner changed"), "record"),
    ("customer.stage_changed", _("Sales stage changed"), "record"),
    ("followup.logged", _("Follow-up logged"), "record"),
    ("contract.signed", _("Contract signed"), "record"),
    ("payment.received", _("Payment received"), "record"),
    ("invoice.issued", _("Invoice issued"), "record"),
    ("approval.waiting", _("Approval waiting"), "notice"),
    ("followup.overdue", _("Overdue follow-ups (daily, 09:00)"), "notice"),
):
    event_register(_name, _label, group=_group)


def event_choices() -> list[tuple[str, str]]:
    return [(event.name, f"{event.label} ({event.name})") for event in EVENTS.values()]


def event_label(name: str) -> str:
    event = EVENTS.get(name)
    return str(event.label) if event else name

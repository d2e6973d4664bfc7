"""Care's callbacks on the lower apps' hooks (registered in care.wiring): each turns the event
into a CareEvent and records the touches it owes, inside the lower service's transaction.
They only write CareTouch rows (one read of the switched-on rules, one insert), so the
request that fired the event pays a millisecond or two; the runner does the rest."""

from typing import Any

from django.utils import timezone

from guanxi.care.models import Trigger
from guanxi.care.rules import schedule
from guanxi.care.rules.services import CareEvent, touches_record, touches_record_all
from guanxi.pipeline.models import FollowUp, Objection

VISIT_CHANNELS = frozenset({FollowUp.Channel.VISIT, FollowUp.Channel.SHOWROOM})


def _touches_now(trigger: str, *, customer_id: int, occurrence: str) -> None:
    """The touches owed for an event that happens as the lower service runs (now)."""
    touches_record(
        event=CareEvent(
            trigger=trigger, customer_id=customer_id, occurrence=occurrence, at=timezone.now()
        )
    )


def on_customer_created(*, customer: Any, **_kwargs: Any) -> None:
    touches_record(
        event=CareEvent(
            trigger=Trigger.CUSTOMER_CREATED,
            customer_id=customer.pk,
            occurrence="created",
            at=customer.created_at or timezone.now(),
        )
    )


def on_customers_created(*, customers: list[Any], **_kwargs: Any) -> None:
    """The batch form (the import's chunks): one read of the rules, one insert."""
    now = timezone.now()
    touches_record_all(
        events=[
            CareEvent(
                trigger=Trigger.CUSTOMER_CREATED,
                customer_id=customer.pk,
                occurrence="created",
                at=customer.created_at or now,
            )
            for customer in customers
        ]
    )


def on_followup_logged(
    *, followup: Any, customer: Any = None, objections: Any = (), **_kwargs: Any
) -> None:
    occurrence = f"followup:{followup.pk}"
    # the pipeline passes the customer it holds locked: its category needs no read
    facts = {"channel": followup.channel}
    if customer is not None:
        facts["category"] = customer.category
    due = []  # (trigger, when) of each event this follow-up is
    if followup.channel in VISIT_CHANNELS:
        due.append((Trigger.VISIT_LOGGED, followup.at))
    # 议价成交 (seed 003 §2): the customer objected to the price and left with a next contact
    price_open = any(
        row.get("type") == Objection.Type.PRICE
        and row.get("outcome", Objection.Outcome.OPEN) != Objection.Outcome.RESOLVED
        for row in objections
    )
    if price_open and followup.next_contact_at is not None:
        due.append((Trigger.QUOTE_REFUSED, followup.next_contact_at))
    touches_record_all(
        events=[
            CareEvent(
                trigger=trigger,
                customer_id=followup.customer_id,
                occurrence=occurrence,
                at=at,
                facts=facts,
            )
            for trigger, at in due
        ]
    )


def on_stage_changed(*, customer_id: int, to_stage: Any, at: Any, **_kwargs: Any) -> None:
    touches_record(
        event=CareEvent(
            trigger=Trigger.STAGE_CHANGED,
            customer_id=customer_id,
            occurrence=f"stage:{to_stage.code}:{at:%Y%m%d%H%M%S}",
            at=at,
            facts={"stage": to_stage.code},
        )
    )


def on_contract_won(*, contract: Any, **_kwargs: Any) -> None:
    _touches_now(
        Trigger.CONTRACT_SIGNED,
        customer_id=contract.customer_id,
        occurrence=f"contract:{contract.pk}",
    )


def on_delivery_planned(*, order: Any, contract: Any, plans: Any, **_kwargs: Any) -> None:
    days = [plan.planned_on for plan in plans]
    if not days:
        return
    touches_record(
        event=CareEvent(
            trigger=Trigger.DELIVERY_PLANNED,
            customer_id=contract.customer_id,
            occurrence=f"order:{order.pk}",
            at=schedule.day_moment(min(days)),
        )
    )


def on_delivery_done(*, delivery: Any, contract: Any = None, **_kwargs: Any) -> None:
    # one thank-you and one 72 h call per contract, however many deliveries it takes
    contract_id = contract.pk if contract is not None else delivery.plan.order.contract_id
    customer_id = (
        contract.customer_id if contract is not None else delivery.plan.order.contract.customer_id
    )
    _touches_now(
        Trigger.DELIVERY_DONE, customer_id=customer_id, occurrence=f"contract:{contract_id}"
    )


def on_payment_received(*, payment: Any, contract: Any, **_kwargs: Any) -> None:
    _touches_now(
        Trigger.PAYMENT_RECEIVED,
        customer_id=contract.customer_id,
        occurrence=f"payment:{payment.pk}",
    )

"""The callbacks the webhooks app hangs on the hooks of lower apps (connected in wiring):
each turns one change into an event, inside the change's transaction."""

import datetime as dt
from typing import Any

from guanxi.accounts.models import User
from guanxi.core.sql import id_list
from guanxi.customers.models import Customer
from guanxi.pipeline.models import FollowUp, Stage
from guanxi.sales.models import Approval, Contract, Invoice, Payment
from guanxi.service.complaints.services import Escalation
from guanxi.service.models import Complaint
from guanxi.webhooks.events import payloads
from guanxi.webhooks.events.services import event_fire, subscribers_of


def on_customer_created(*, customer: Customer, actor: User | None = None, **kwargs: Any) -> None:
    event_fire(
        event="customer.created",
        items=[{"customer": payloads.customer_data(customer), "actor": payloads.user_data(actor)}],
    )


def on_customers_created(
    *, customers: list[Customer], actor: User | None = None, **kwargs: Any
) -> None:
    """The batch form (the import's chunks): one event a customer, in one bulk INSERT, and
    nothing at all without a subscriber."""
    if not customers or not subscribers_of(event="customer.created"):
        return
    by = payloads.user_data(actor)
    event_fire(
        event="customer.created",
        items=[{"customer": payloads.customer_data(c), "actor": by} for c in customers],
    )


def on_customer_updated(
    *, customer: Customer, actor: User | None = None, fields: list[str] | None = None, **kwargs: Any
) -> None:
    event_fire(
        event="customer.updated",
        items=[
            {
                "customer": payloads.customer_data(customer),
                "fields": list(fields or []),
                "actor": payloads.user_data(actor),
            }
        ],
    )


def on_customer_merged(*, primary: Customer, duplicate: Customer, **kwargs: Any) -> None:
    event_fire(
        event="customer.merged",
        items=[
            {
                "customer": payloads.customer_data(primary),
                "merged_customer": {"id": duplicate.pk, "name": duplicate.name},
            }
        ],
    )


def on_owners_changed(*, customer_ids: list[int], **kwargs: Any) -> None:
    """Set-based like the change itself: one read of the rows, one bulk INSERT (the nightly
    recycling releases thousands at once) — and nothing at all without a subscriber."""
    if not customer_ids or not subscribers_of(event="customer.owner_changed"):
        return
    rows = Customer.objects.filter(pk__in=id_list(customer_ids)).values(
        "pk", "name", "owner_id", "owner__username", "department_id"
    )
    event_fire(
        event="customer.owner_changed",
        items=[payloads.customer_owner_data(row) for row in rows],
    )


def _stage_code(stage: Stage | None) -> str | None:
    return stage.code if stage is not None else None


def on_stage_changed(
    *,
    customer_id: int,
    from_stage: Stage | None,
    to_stage: Stage,
    actor: User | None = None,
    at: dt.datetime | None = None,
    **kwargs: Any,
) -> None:
    event_fire(
        event="customer.stage_changed",
        items=[
            {
                "customer_id": customer_id,
                "from_stage": _stage_code(from_stage),
                "to_stage": _stage_code(to_stage),
                "at": at.isoformat() if at else None,
                "actor": payloads.user_data(actor),
            }
        ],
    )


def on_followup_logged(*, followup: FollowUp, actor: User | None = None, **kwargs: Any) -> None:
    event_fire(
        event="followup.logged",
        items=[{"followup": payloads.followup_data(followup), "actor": payloads.user_data(actor)}],
    )


def on_contract_won(*, contract: Contract, actor: User | None = None, **kwargs: Any) -> None:
    event_fire(
        event="contract.signed",
        items=[{"contract": payloads.contract_data(contract), "actor": payloads.user_data(actor)}],
    )


def on_payment_received(
    *, payment: Payment, contract: Contract, actor: User | None = None, **kwargs: Any
) -> None:
    event_fire(
        event="payment.received",
        items=[
            {
                "payment": payloads.payment_data(payment),
                "contract": payloads.contract_data(contract),
                "actor": payloads.user_data(actor),
            }
        ],
    )


def on_invoice_issued(*, invoice: Invoice, contract: Contract, **kwargs: Any) -> None:
    event_fire(
        event="invoice.issued",
        items=[
            {
                "invoice": payloads.invoice_data(invoice),
                "contract": payloads.contract_data(contract),
            }
        ],
    )


def on_approval_waiting(*, approval: Approval, **kwargs: Any) -> None:
    event_fire(event="approval.waiting", items=[{"approval": payloads.approval_data(approval)}])


def on_complaint_opened(*, complaint: Complaint, **kwargs: Any) -> None:
    event_fire(event="complaint.opened", items=[{"complaint": payloads.complaint_data(complaint)}])


def on_complaint_closed(*, complaint: Complaint, actor: User | None = None, **kwargs: Any) -> None:
    event_fire(
        event="complaint.closed",
        items=[
            {"complaint": payloads.complaint_data(complaint), "actor": payloads.user_data(actor)}
        ],
    )


def on_complaints_escalated(
    *, escalations: list[Escalation], at: dt.datetime | None = None, **kwargs: Any
) -> None:
    """A batch of the SLA escalation run: nothing at all without a subscriber, else one read
    of the complaints (as the UPDATE left them) and one bulk INSERT of the events. Queued
    for delivery now (the run's `at` is in the data as `escalated_at`)."""
    if not escalations or not subscribers_of(event="complaint.escalated"):
        return
    ids = id_list([escalation.complaint_id for escalation in escalations])
    complaints = {
        complaint.pk: complaint
        for complaint in Complaint.objects.select_related("customer").filter(pk__in=ids)
    }
    event_fire(
        event="complaint.escalated",
        items=[
            payloads.complaint_escalated_data(complaints[escalation.complaint_id], escalation)
            for escalation in escalations
            if escalation.complaint_id in complaints
        ],
    )

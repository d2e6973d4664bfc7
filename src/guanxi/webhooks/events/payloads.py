"""The `data` of each event's payload, version 1 (docs/api.md "Webhooks"): plain JSON values
(ids, codes, amounts as strings with two decimals, times in ISO 8601 UTC, dates as
YYYY-MM-DD), from rows the firing service holds already — no query of its own, so an event
costs the request one INSERT."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from guanxi.accounts.models import User
from guanxi.customers.models import Customer
from guanxi.pipeline.models import FollowUp
from guanxi.sales.models import Approval, Contract, Invoice, Payment
from guanxi.service.complaints.services import Escalation
from guanxi.service.models import Complaint

type Json = dict[str, Any]


def _when(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _money(value: Decimal | None) -> str | None:
    return f"{value:.2f}" if value is not None else None


def user_data(user: User | None) -> Json | None:
    if user is None or not getattr(user, "pk", None):
        return None
    # the name the pages show (display_name), as docs/api.md's example has it
    name = user.display_name or user.get_full_name() or user.username
    return {"id": user.pk, "username": user.username, "name": name}


def customer_data(customer: Customer) -> Json:
    return {
        "id": customer.pk,
        "name": customer.name,
        "kind": customer.kind,
        "category": customer.category,
        "owner_id": customer.owner_id,
        "department_id": customer.department_id,
        "province": customer.province,
        "city": customer.city,
        "created_at": _when(customer.created_at),
        "updated_at": _when(customer.updated_at),
    }


def customer_owner_data(row: Mapping[str, Any]) -> Json:
    """From a values() row (owner changes come as ids, read in one query)."""
    return {
        "customer": {"id": row["pk"], "name": row["name"]},
        "owner": (
            {"id": row["owner_id"], "username": row["owner__username"]} if row["owner_id"] else None
        ),
        "department_id": row["department_id"],
    }


def followup_data(followup: FollowUp) -> Json:
    return {
        "id": followup.pk,
        "customer_id": followup.customer_id,
        "user_id": followup.user_id,
        "at": _when(followup.at),
        "channel": followup.channel,
        "outcome": followup.outcome,
        "effective": followup.effective,
        "next_contact_at": _when(followup.next_contact_at),
    }


def contract_data(contract: Contract) -> Json:
    return {
        "id": contract.pk,
        "number": contract.number,
        "title": contract.title,
        "customer_id": contract.customer_id,
        "owner_id": contract.owner_id,
        "status": contract.status,
        "signed_on": _when(contract.signed_on),
        "total_amount": _money(contract.total_amount),
        "paid_amount": _money(contract.paid_amount),
        "invoiced_amount": _money(contract.invoiced_amount),
    }


def payment_data(payment: Payment) -> Json:
    return {
        "id": payment.pk,
        "contract_id": payment.contract_id,
        "customer_id": payment.customer_id,
        "amount": _money(payment.amount),
        "received_on": _when(payment.received_on),
        "method": payment.method,
        "reference": payment.reference,
    }


def invoice_data(invoice: Invoice) -> Json:
    return {
        "id": invoice.pk,
        "contract_id": invoice.contract_id,
        "number": invoice.number,
        "kind": invoice.kind,
        "amount": _money(invoice.amount),
        "tax_rate": f"{invoice.tax_rate}",
        "issued_on": _when(invoice.issued_on),
    }


def approval_data(approval: Approval) -> Json:
    return {
        "id": approval.pk,
        "target": approval.target,
        "target_id": approval.target_id,
        "title": approval.title,
        "amount": _money(approval.amount),
        "step": approval.step_index + 1,
        "submitted_by_id": approval.submitted_by_id,
        "submitted_at": _when(approval.submitted_at),
    }


def complaint_data(complaint: Complaint) -> Json:
    """CMP: the complaint as the service holds it when it is logged or closed."""
    return {
        "id": complaint.pk,
        "customer_id": complaint.customer_id,
        "title": complaint.title,
        "channel": complaint.channel,
        "category_id": complaint.category_id,
        "item_id": complaint.item_id,
        "severity": complaint.severity,
        "status": complaint.status,
        "step": complaint.step,
        "resolution": complaint.resolution,
        "owner_id": complaint.owner_id,
        "department_id": complaint.department_id,
        "escalation_level": complaint.escalation_level,
        "reopened": complaint.reopened,
        "created_at": _when(complaint.created_at),
        "routed_at": _when(complaint.routed_at),
        "closed_at": _when(complaint.closed_at),
        "resolve_due": _when(complaint.resolve_due),
    }


def complaint_escalated_data(complaint: Complaint, escalation: Escalation) -> Json:
    """CMP-2: a complaint the SLA escalation run moved up a level, with its customer (id and
    name: the robot's text names them), the level reached, who was notified and the targets
    past their deadline and not met, earliest first."""
    return {
        "complaint": complaint_data(complaint),
        "customer": {"id": complaint.customer_id, "name": complaint.customer.name},
        "level": escalation.level,
        "escalated_at": _when(complaint.escalated_at),
        "notified": user_data(escalation.notified),
        "missed": [
            {"target": missed.target, "due": _when(missed.due)} for missed in escalation.missed
        ],
    }

"""The `data` of each event's payload, version 1 (docs/api.md "Webhooks"): plain JSON values
(ids, codes, amounts as strings with two decimals, times in ISO 8601 UTC, dates as
YYYY-MM-DD), from rows the firing service holds already — no query of its own, so an event
costs the request one INSERT."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import models

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


def _columns(row: models.Model, *names: str) -> Json:
    """The named columns of a row, in that order, each in the JSON form the docs promise for
    its type: money with two decimals, dates and times in ISO 8601, the rest as stored.
    Most events' data is no more than that."""
    data: Json = {}
    for name in names:
        value = getattr(row, name)
        field = row._meta.get_field(name)
        if isinstance(field, models.DecimalField):
            value = _money(value)
        elif isinstance(field, models.DateField):  # DateTimeField is one too
            value = _when(value)
        data[name] = value
    return data


def user_data(user: User | None) -> Json | None:
    if user is None or not getattr(user, "pk", None):
        return None
    # the name the pages show (display_name), as docs/api.md's example has it
    name = user.display_name or user.get_full_name() or user.username
    return {"id": user.pk, "username": user.username, "name": name}


def customer_data(customer: Customer) -> Json:
    return _columns(
        customer,
        "id",
        "name",
        "kind",
        "category",
        "owner_id",
        "department_id",
        "province",
        "city",
        "created_at",
        "updated_at",
    )


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
    return _columns(
        followup,
        "id",
        "customer_id",
        "user_id",
        "at",
        "channel",
        "outcome",
        "effective",
        "next_contact_at",
    )


def contract_data(contract: Contract) -> Json:
    return _columns(
        contract,
        "id",
        "number",
        "title",
        "customer_id",
        "owner_id",
        "status",
        "signed_on",
        "total_amount",
        "paid_amount",
        "invoiced_amount",
    )


def payment_data(payment: Payment) -> Json:
    return _columns(
        payment, "id", "contract_id", "customer_id", "amount", "received_on", "method", "reference"
    )


def invoice_data(invoice: Invoice) -> Json:
    data = _columns(
        invoice, "id", "contract_id", "number", "kind", "amount", "tax_rate", "issued_on"
    )
    data["tax_rate"] = f"{invoice.tax_rate}"  # a rate, not money: all its places
    return data


def approval_data(approval: Approval) -> Json:
    return {
        **_columns(approval, "id", "target", "target_id", "title", "amount"),
        "step": approval.step_index + 1,
        **_columns(approval, "submitted_by_id", "submitted_at"),
    }


def complaint_data(complaint: Complaint) -> Json:
    """CMP: the complaint as the service holds it when it is logged or closed."""
    return _columns(
        complaint,
        "id",
        "customer_id",
        "title",
        "channel",
        "category_id",
        "item_id",
        "severity",
        "status",
        "step",
        "resolution",
        "owner_id",
        "department_id",
        "escalation_level",
        "reopened",
        "created_at",
        "routed_at",
        "closed_at",
        "resolve_due",
    )


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

"""Request and response shapes of the receivables API (ORD-4, ORD-5).

Input schemas check JSON types and rough sizes only; the rules (plan adds up to the contract
total, amounts > 0 with at most two decimals, over-payment, invoiced total, states) stay in
receivables.services, so the panel and the API refuse the same input with the same messages.
Money is a decimal string ("1280.50"; a JSON number is accepted too) and is answered as a
string, never a float."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from guanxi.core.schemas import Boolean, DecimalIn, Id, Input, RefOf, Text, choices, not_blank
from guanxi.sales.models import Invoice, Payment

Amount = DecimalIn
Notes = Annotated[Text, Field(max_length=200)]


# ---------------------------------------------------------------- input


class InstalmentIn(Input):
    due_on: dt.date
    amount: Amount
    notes: Notes = ""


class PlanIn(Input):
    instalments: list[InstalmentIn] = Field(max_length=120)


class PaymentIn(Input):
    amount: Amount
    received_on: dt.date
    method: Annotated[str, Field(max_length=10)] = Field(
        description="transfer, cash, card, wechat, alipay, cheque, other",
        json_schema_extra=choices(Payment.Method.values),
    )
    reference: Annotated[Text, Field(max_length=80)] = ""
    notes: Notes = ""
    instalment_id: Id | None = Field(
        None, description="Apply to this instalment first (else the oldest open first)"
    )
    accept_overpayment: Boolean = Field(
        False, description="Keep what exceeds the open amount as an over-payment"
    )


class VoidIn(Input):
    reason: Annotated[Text, Field(max_length=200, json_schema_extra=not_blank())]


class InvoiceIn(Input):
    number: Annotated[Text, Field(max_length=40, json_schema_extra=not_blank())]
    kind: Annotated[str, Field(max_length=10)] = Field(
        description="normal (普票) or special (专票)",
        json_schema_extra=choices(Invoice.Kind.values),
    )
    amount: Amount = Field(description="Amount including tax")
    tax_rate: DecimalIn = Field(description="A fraction: 0.13 = 13 %")
    issued_on: dt.date
    payment_id: Id | None = None
    override_reason: Annotated[Text, Field(max_length=200)] = Field(
        "", description="Needed (with sales.invoice_override) to invoice beyond the total"
    )
    notes: Notes = ""


# ---------------------------------------------------------------- output


class InstalmentOut(Schema):
    id: int
    sequence: int
    due_on: dt.date
    amount: Decimal
    paid_amount: Decimal
    open_amount: Decimal
    settled: bool
    notes: str


class PlanOut(Schema):
    contract_id: int
    status: str
    total_amount: Decimal
    paid_amount: Decimal
    instalments: list[InstalmentOut]


class AllocationOut(Schema):
    instalment_id: int
    sequence: int
    amount: Decimal

    @staticmethod
    def resolve_sequence(obj):
        return obj.instalment.sequence


class PaymentOut(Schema):
    id: int
    contract_id: int
    amount: Decimal
    received_on: dt.date
    method: str
    reference: str
    notes: str
    status: str
    unallocated_amount: Decimal
    overpayment_accepted: bool
    allocations: list[AllocationOut]
    recorded_by: RefOf | None
    created_at: dt.datetime
    void_reason: str

    @staticmethod
    def resolve_allocations(obj):
        return list(obj.allocations.all())


class PaymentPageOut(Schema):
    items: list[PaymentOut]
    next_cursor: str | None


class InvoiceOut(Schema):
    id: int
    contract_id: int
    payment_id: int | None
    number: str
    kind: str
    amount: Decimal
    tax_rate: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    issued_on: dt.date
    status: str
    over_invoice_override: bool
    override_reason: str
    override_by: RefOf | None
    notes: str
    void_reason: str


class InvoicePageOut(Schema):
    items: list[InvoiceOut]
    next_cursor: str | None


class BucketOut(Schema):
    key: str
    label: str
    amount: Decimal
    count: int


class AgeingRowOut(Schema):
    id: int | None
    name: str
    buckets: list[BucketOut]
    total: Decimal
    overdue: Decimal
    count: int


class AgeingSummaryOut(Schema):
    buckets: list[BucketOut]
    total: Decimal
    overdue: Decimal
    count: int


class AgeingOut(Schema):
    today: dt.date
    summary: AgeingSummaryOut
    by_owner: list[AgeingRowOut]
    by_department: list[AgeingRowOut]

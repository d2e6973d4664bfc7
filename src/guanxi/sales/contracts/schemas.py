"""Request and response shapes of the contracts API (ORD-2).

Money, quantities and rates travel as strings (or integers) — never JSON floats — and are
parsed by the services with money.to_decimal; responses give them as strings. Rates are
fractions: 0.13 = 13 %. Inputs forbid unknown fields, so `status` or amounts cannot be set.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from guanxi.core.schemas import Id, Input, Integer, RefOf, ShortText, Text

Number = Annotated[str | int, Field(union_mode="left_to_right")]
LongText = Annotated[Text, Field(max_length=20000)]


class ContractItemIn(Input):
    id: Id | None = Field(None, description="amendments: an existing line to change")
    product: Id | None = None
    description: ShortText = ""
    unit: Annotated[str, Field(max_length=10)] = ""
    quantity: Number
    unit_price: Number | None = Field(
        None, description="tax incl.; empty: the product's price for this customer"
    )
    discount_rate: Number = Field("0", description="fraction, 0.05 = 5 %")
    tax_rate: Number | None = Field(None, description="fraction; empty: the product's")


class ContractIn(Input):
    customer: Id
    title: Annotated[ShortText, Field(max_length=200)]
    items: Annotated[list[ContractItemIn], Field(max_length=200)]
    signing_contact: Id | None = None
    terms: LongText = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    signed_on: dt.date | None = None


class ContractHeadChange(Input):
    """The contract's own fields a change may give (a patch, an amendment); unset, unchanged."""

    title: Annotated[ShortText, Field(max_length=200)] | None = None
    signing_contact: Id | None = None
    terms: LongText | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    signed_on: dt.date | None = None


class ContractPatch(ContractHeadChange):
    version: Integer = Field(description="the version you read; 409 if someone changed it since")
    items: Annotated[list[ContractItemIn], Field(max_length=200)] | None = None


class TerminateIn(Input):
    reason: Annotated[Text, Field(max_length=2000)]


class AmendedInstalmentIn(Input):
    due_on: dt.date
    amount: Number
    notes: Annotated[Text, Field(max_length=200)] = ""


class AmendIn(ContractHeadChange):
    reason: Annotated[Text, Field(max_length=2000)]
    items: Annotated[list[ContractItemIn], Field(max_length=200)] | None = Field(
        None, description="the whole new list of lines; give `id` for lines kept"
    )
    instalments: Annotated[list[AmendedInstalmentIn], Field(max_length=120)] | None = Field(
        None, description="a new payment plan adding up to the new total"
    )


class ContractItemOut(Schema):
    id: int
    position: int
    product_id: int | None
    description: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    discount_rate: Decimal
    tax_rate: Decimal
    gross_amount: Decimal
    discount_amount: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    total_amount: Decimal


class ContractSummaryOut(Schema):
    id: int
    number: str
    title: str
    status: str
    status_label: str
    customer: RefOf
    owner: RefOf | None
    department: RefOf | None
    signed_on: dt.date | None
    total_amount: Decimal
    paid_amount: Decimal
    invoiced_amount: Decimal
    version: Integer
    is_history: bool = Field(description="A past purchase recorded from the old system.")
    reference: str = Field(description="Its order number in the old system, if any.")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class ContractOut(ContractSummaryOut):
    signing_contact: RefOf | None
    quote_id: int | None
    terms: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    gross_amount: Decimal
    discount_amount: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    terminated_reason: str
    amendment_count: int
    items: list[ContractItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class ContractPageOut(Schema):
    items: list[ContractSummaryOut]
    next_cursor: str | None
    total: int
    total_capped: bool


class AmendmentOut(Schema):
    id: int
    number: int
    reason: str
    changes: dict
    total_before: Decimal
    total_after: Decimal
    created_by: RefOf | None
    created_at: dt.datetime

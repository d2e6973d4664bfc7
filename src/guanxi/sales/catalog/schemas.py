"""Request and response shapes of the catalogue and quote API (ORD-1).

Input schemas check JSON types and rough sizes; the rules stay in catalog.services, so pages
and API refuse the same input with the same messages. Money goes out as strings ("12.50")
and comes in as strings or numbers, never through a float."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from guanxi.core.schemas import (
    Boolean,
    DecimalIn,
    Id,
    Input,
    Money,
    QuantityOut,
    RateOut,
    RefOf,
    Text,
    choices,
)
from guanxi.sales.models import Quote

Amount = Annotated[DecimalIn, Field(max_digits=14, decimal_places=2)]
Rate = Annotated[DecimalIn, Field(ge=0, le=1, max_digits=6, decimal_places=4)]


# ---------------------------------------------------------------- products


class ProductIn(Input):
    code: Annotated[Text, Field(max_length=40)]
    name: Annotated[Text, Field(max_length=120)]
    name_en: Annotated[Text, Field(max_length=120)] = ""
    unit: Annotated[Text, Field(max_length=10)] = "件"
    list_price: Amount
    tax_rate: Rate = Field(Decimal("0.13"), description="a fraction: 0.13 = 13 %")
    description: Annotated[Text, Field(max_length=5000)] = ""


class ProductPatch(Input):
    code: Annotated[Text, Field(max_length=40)] | None = None
    name: Annotated[Text, Field(max_length=120)] | None = None
    name_en: Annotated[Text, Field(max_length=120)] | None = None
    unit: Annotated[Text, Field(max_length=10)] | None = None
    list_price: Amount | None = None
    tax_rate: Rate | None = None
    description: Annotated[Text, Field(max_length=5000)] | None = None
    active: Boolean | None = None


class ProductOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    unit: str
    list_price: Money
    tax_rate: RateOut
    description: str
    active: bool


class PriceListItemOut(Schema):
    product_id: int
    price: Money


class PriceListOut(Schema):
    id: int
    name: str
    customer_tag: RefOf | None
    priority: int
    valid_from: dt.date | None
    valid_until: dt.date | None
    active: bool
    items: list[PriceListItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


# ---------------------------------------------------------------- quotes


class QuoteLineIn(Input):
    product_id: Id | None = None
    description: Annotated[Text, Field(max_length=200)] = ""
    unit: Annotated[Text, Field(max_length=10)] = ""
    quantity: Annotated[DecimalIn, Field(gt=0, max_digits=12, decimal_places=3)]
    unit_price: Amount | None = Field(None, description="empty: the customer's price")
    discount_rate: Rate = Decimal(0)
    tax_rate: Rate | None = Field(None, description="empty: the product's tax rate")


class QuoteIn(Input):
    customer_id: Id
    contact_id: Id | None = None
    valid_until: dt.date | None = None
    notes: Annotated[Text, Field(max_length=5000)] = ""
    items: list[QuoteLineIn] = Field(max_length=100)


class QuoteStatusIn(Input):
    status: Annotated[str, Field(max_length=12)] = Field(
        description="sent, accepted, rejected, draft",
        json_schema_extra=choices(Quote.Status.values),
    )


class QuoteConvertIn(Input):
    title: Annotated[Text, Field(max_length=200)] = ""


class QuoteItemOut(Schema):
    id: int
    position: int
    product_id: int | None
    description: str
    unit: str
    quantity: QuantityOut
    unit_price: Money
    discount_rate: RateOut
    tax_rate: RateOut
    gross_amount: Money
    discount_amount: Money
    net_amount: Money
    tax_amount: Money
    total_amount: Money


class QuoteSummaryOut(Schema):
    id: int
    number: str
    status: str
    customer: RefOf
    owner: RefOf | None
    valid_until: dt.date | None
    total_amount: Money
    created_at: dt.datetime


class QuoteOut(QuoteSummaryOut):
    contact: RefOf | None
    price_list: RefOf | None
    notes: str
    gross_amount: Money
    discount_amount: Money
    net_amount: Money
    tax_amount: Money
    items: list[QuoteItemOut]
    contract_ids: list[int]

    @staticmethod
    def resolve_items(obj):
        return getattr(obj, "item_rows", None) or list(obj.items.all())

    @staticmethod
    def resolve_contract_ids(obj):
        return getattr(obj, "contract_ids", [])


class QuotePageOut(Schema):
    items: list[QuoteSummaryOut]
    next_cursor: str | None


class ContractRefOut(Schema):
    id: int
    number: str
    status: str
    total_amount: Money

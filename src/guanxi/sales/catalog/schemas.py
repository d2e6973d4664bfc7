"""Request and response shapes of the catalogue and quote API (ORD-1).

Input schemas check JSON types and rough sizes; the rules stay in services_catalog, so pages
and API refuse the same input with the same messages. Money goes out as strings ("12.50")
and comes in as strings or numbers, never through a float."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

from guanxi.customers.schemas import Id, Ref, Text

Money = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]
Rate = Annotated[Decimal, Field(ge=0, le=1, max_digits=6, decimal_places=4)]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- products


class ProductIn(_Input):
    code: Annotated[Text, Field(max_length=40)]
    name: Annotated[Text, Field(max_length=120)]
    name_en: Annotated[Text, Field(max_length=120)] = ""
    unit: Annotated[Text, Field(max_length=10)] = "件"
    list_price: Money
    tax_rate: Rate = Field(Decimal("0.13"), description="a fraction: 0.13 = 13 %")
    description: Annotated[Text, Field(max_length=5000)] = ""


class ProductPatch(_Input):
    code: Annotated[Text, Field(max_length=40)] | None = None
    name: Annotated[Text, Field(max_length=120)] | None = None
    name_en: Annotated[Text, Field(max_length=120)] | None = None
    unit: Annotated[Text, Field(max_length=10)] | None = None
    list_price: Money | None = None
    tax_rate: Rate | None = None
    description: Annotated[Text, Field(max_length=5000)] | None = None
    active: bool | None = None


class ProductOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    unit: str
    list_price: str
    tax_rate: str
    description: str
    active: bool

    @staticmethod
    def resolve_list_price(obj) -> str:
        return f"{obj.list_price:.2f}"

    @staticmethod
    def resolve_tax_rate(obj) -> str:
        return f"{obj.tax_rate:.4f}"


class PriceListItemOut(Schema):
    product_id: int
    price: str

    @staticmethod
    def resolve_price(obj) -> str:
        return f"{obj.price:.2f}"


class PriceListOut(Schema):
    id: int
    name: str
    customer_tag: Ref | None
    priority: int
    valid_from: dt.date | None
    valid_until: dt.date | None
    active: bool
    items: list[PriceListItemOut]

    @staticmethod
    def resolve_customer_tag(obj):
        tag = obj.customer_tag
        return {"id": tag.pk, "name": tag.name} if tag is not None else None

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


# ---------------------------------------------------------------- quotes


class QuoteLineIn(_Input):
    product_id: Id | None = None
    description: Annotated[Text, Field(max_length=200)] = ""
    unit: Annotated[Text, Field(max_length=10)] = ""
    quantity: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=3)]
    unit_price: Money | None = Field(None, description="empty: the customer's price")
    discount_rate: Rate = Decimal(0)
    tax_rate: Rate | None = Field(None, description="empty: the product's tax rate")


class QuoteIn(_Input):
    customer_id: Id
    contact_id: Id | None = None
    valid_until: dt.date | None = None
    notes: Annotated[Text, Field(max_length=5000)] = ""
    items: list[QuoteLineIn] = Field(max_length=100)


class QuoteStatusIn(_Input):
    status: Annotated[str, Field(max_length=12)] = Field(
        description="sent, accepted, rejected, draft"
    )


class QuoteConvertIn(_Input):
    title: Annotated[Text, Field(max_length=200)] = ""


def _money(value) -> str:
    return f"{value:.2f}"


class QuoteItemOut(Schema):
    id: int
    position: int
    product_id: int | None
    description: str
    unit: str
    quantity: str
    unit_price: str
    discount_rate: str
    tax_rate: str
    gross_amount: str
    discount_amount: str
    net_amount: str
    tax_amount: str
    total_amount: str

    @staticmethod
    def resolve_quantity(obj) -> str:
        return f"{obj.quantity:.3f}"

    @staticmethod
    def resolve_unit_price(obj) -> str:
        return _money(obj.unit_price)

    @staticmethod
    def resolve_discount_rate(obj) -> str:
        return f"{obj.discount_rate:.4f}"

    @staticmethod
    def resolve_tax_rate(obj) -> str:
        return f"{obj.tax_rate:.4f}"

    @staticmethod
    def resolve_gross_amount(obj) -> str:
        return _money(obj.gross_amount)

    @staticmethod
    def resolve_discount_amount(obj) -> str:
        return _money(obj.discount_amount)

    @staticmethod
    def resolve_net_amount(obj) -> str:
        return _money(obj.net_amount)

    @staticmethod
    def resolve_tax_amount(obj) -> str:
        return _money(obj.tax_amount)

    @staticmethod
    def resolve_total_amount(obj) -> str:
        return _money(obj.total_amount)


class QuoteSummaryOut(Schema):
    id: int
    number: str
    status: str
    customer: Ref
    owner: Ref | None
    valid_until: dt.date | None
    total_amount: str
    created_at: dt.datetime

    @staticmethod
    def resolve_customer(obj):
        return {"id": obj.customer_id, "name": obj.customer.name}

    @staticmethod
    def resolve_owner(obj):
        owner = obj.owner
        return {"id": owner.pk, "name": str(owner)} if owner is not None else None

    @staticmethod
    def resolve_total_amount(obj) -> str:
        return _money(obj.total_amount)


class QuoteOut(QuoteSummaryOut):
    contact: Ref | None
    price_list: Ref | None
    notes: str
    gross_amount: str
    discount_amount: str
    net_amount: str
    tax_amount: str
    items: list[QuoteItemOut]
    contract_ids: list[int]

    @staticmethod
    def resolve_contact(obj):
        contact = obj.contact
        return {"id": contact.pk, "name": contact.name} if contact is not None else None

    @staticmethod
    def resolve_price_list(obj):
        price_list = obj.price_list
        return {"id": price_list.pk, "name": price_list.name} if price_list is not None else None

    @staticmethod
    def resolve_gross_amount(obj) -> str:
        return _money(obj.gross_amount)

    @staticmethod
    def resolve_discount_amount(obj) -> str:
        return _money(obj.discount_amount)

    @staticmethod
    def resolve_net_amount(obj) -> str:
        return _money(obj.net_amount)

    @staticmethod
    def resolve_tax_amount(obj) -> str:
        return _money(obj.tax_amount)

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
    total_amount: str

    @staticmethod
    def resolve_total_amount(obj) -> str:
        return _money(obj.total_amount)

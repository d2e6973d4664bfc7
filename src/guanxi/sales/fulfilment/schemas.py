"""Request and response shapes of the fulfilment API (ORD-3).

Input schemas check JSON types and rough sizes only; the rules (the item belongs to the
contract, quantities within what is left, dates, states) stay in fulfilment.services, so
the panel and the API refuse the same input with the same messages. Quantities are decimal
strings (or JSON numbers without a fractional float error, e.g. 2 or "1.5")."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from guanxi.core.schemas import DecimalIn, Id, Input, RefOf, Text, ref

Quantity = DecimalIn  # the service checks sign, precision and size with its own messages
Notes = Annotated[Text, Field(max_length=200)]


# ---------------------------------------------------------------- input


class DeliveryPlanIn(Input):
    contract_item_id: Id
    quantity: Quantity
    planned_on: dt.date
    notes: Notes = ""


class OrderIn(Input):
    ordered_on: dt.date
    notes: Annotated[Text, Field(max_length=2000)] = ""
    plans: list[DeliveryPlanIn] = Field(min_length=1, max_length=100)


class DeliveryIn(Input):
    quantity: Quantity
    delivered_on: dt.date
    receiver: Annotated[Text, Field(max_length=60)] = ""
    notes: Notes = ""


class StockOutIn(Input):
    contract_item_id: Id
    quantity: Quantity
    out_on: dt.date
    warehouse: Annotated[Text, Field(max_length=60)] = ""
    order_id: Id | None = None
    notes: Notes = ""


# ---------------------------------------------------------------- output


class DeliveryOut(Schema):
    id: int
    plan_id: int
    quantity: Decimal
    delivered_on: dt.date
    receiver: str
    notes: str
    recorded_by: RefOf | None


class DeliveryPlanOut(Schema):
    id: int
    order_id: int
    contract_item_id: int
    item: str = Field(alias="contract_item.description")
    quantity: Decimal
    delivered_quantity: Decimal
    remaining_quantity: Decimal
    planned_on: dt.date
    notes: str
    deliveries: list[DeliveryOut]

    @staticmethod
    def resolve_remaining_quantity(obj):
        return obj.quantity - obj.delivered_quantity

    @staticmethod
    def resolve_deliveries(obj):
        return list(obj.deliveries.all())


class OrderOut(Schema):
    id: int
    number: str
    contract_id: int
    status: str
    status_label: str
    ordered_on: dt.date
    notes: str
    created_by: RefOf | None
    created_at: dt.datetime
    plans: list[DeliveryPlanOut]

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())

    @staticmethod
    def resolve_plans(obj):
        return list(obj.plans.all())


class OrderPageOut(Schema):
    items: list[OrderOut]
    next_cursor: str | None


class StockOutOut(Schema):
    id: int
    number: str
    contract_id: int
    contract_item_id: int
    item: str = Field(alias="contract_item.description")
    order_id: int | None
    quantity: Decimal
    warehouse: str
    out_on: dt.date
    notes: str
    recorded_by: RefOf | None


class StockOutPageOut(Schema):
    items: list[StockOutOut]
    next_cursor: str | None


class ItemProgressOut(Schema):
    contract_item_id: int = Field(alias="item.pk")
    description: str = Field(alias="item.description")
    unit: str = Field(alias="item.unit")
    quantity: Decimal
    ordered: Decimal
    delivered: Decimal
    remaining: Decimal
    stocked_out: Decimal


class FulfilmentOut(Schema):
    contract_id: int
    status: str
    items: list[ItemProgressOut]


class ScheduleRowOut(Schema):
    plan_id: int = Field(alias="pk")
    planned_on: dt.date
    late: bool
    days_late: int
    quantity: Decimal
    delivered_quantity: Decimal
    remaining_quantity: Decimal
    item: str = Field(alias="contract_item.description")
    order_id: int
    order_number: str = Field(alias="order.number")
    contract_id: int = Field(alias="order.contract_id")
    contract_number: str = Field(alias="order.contract.number")
    customer: RefOf
    owner: RefOf | None

    @staticmethod
    def resolve_remaining_quantity(obj):
        return obj.quantity - obj.delivered_quantity

    @staticmethod
    def resolve_customer(obj):
        customer = obj.order.contract.customer
        return {"id": customer.pk, "name": customer.name}

    @staticmethod
    def resolve_owner(obj):
        contract = obj.order.contract
        return ref(contract.owner) if contract.owner_id else None


class SchedulePageOut(Schema):
    items: list[ScheduleRowOut]
    next_cursor: str | None

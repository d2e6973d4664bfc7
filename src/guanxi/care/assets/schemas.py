"""Request and response shapes of the installed-base API (ARC-10)."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from guanxi.care.assets.services import DOCUMENTS
from guanxi.core.schemas import Id, Input, PageQuery, RefOf, Text, choices


class AssetIn(Input):
    product_id: Id | None = None
    product_name: Annotated[Text, Field(max_length=120)] = ""
    serial: Annotated[Text, Field(max_length=40)] = ""
    user_name: Annotated[Text, Field(max_length=50)] = ""
    user_phone: Annotated[Text, Field(max_length=20)] = ""
    purchased_on: dt.date | None = None
    delivered_on: dt.date | None = None
    warranty_ends_on: dt.date | None = None
    last_maintenance_on: dt.date | None = None
    next_maintenance_on: dt.date | None = None
    documents: list[Annotated[str, Field(json_schema_extra=choices(DOCUMENTS))]] = Field(
        default_factory=list, max_length=len(DOCUMENTS)
    )
    notes: Annotated[Text, Field(max_length=500)] = ""
    retired_on: dt.date | None = None


class AssetQuery(PageQuery):
    due: str = Field("", pattern=r"^(|maintenance|warranty)$")
    days: int = Field(30, ge=1, le=366)
    q: str = Field("", max_length=60)


class AssetOut(Schema):
    id: int
    customer: RefOf
    product: RefOf | None
    product_name: str
    serial: str
    user_name: str
    user_phone: str
    contract_id: int | None
    delivery_id: int | None
    purchased_on: dt.date | None
    delivered_on: dt.date | None
    warranty_ends_on: dt.date | None
    last_maintenance_on: dt.date | None
    next_maintenance_on: dt.date | None
    documents: list[str]
    notes: str
    retired_on: dt.date | None


class AssetPageOut(Schema):
    items: list[AssetOut]
    next_cursor: str | None

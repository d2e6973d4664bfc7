"""Request and response shapes of the front-desk API (ACQ-5). Input schemas check JSON types
and rough sizes; the rules stay in reception.services, so the page and the API refuse the
same input with the same messages."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from guanxi.care.models import Reception
from guanxi.core.schemas import Boolean, Id, Input, Integer, PageQuery, RefOf, Text, choices

Minutes = Annotated[Integer, Field(ge=0, le=1440)]


class ReceptionIn(Input):
    channel: Annotated[str, Field(json_schema_extra=choices(Reception.Channel.values))]
    at: dt.datetime | None = Field(None, description="When; now if left out")
    visitor_name: Annotated[Text, Field(max_length=50)] = ""
    phone: Annotated[Text, Field(max_length=30)] = ""
    party_size: Annotated[Integer, Field(ge=1, le=50)] = 1
    need: Annotated[Text, Field(max_length=300)] = ""
    product_interest: Annotated[Text, Field(max_length=120)] = ""
    demo: Boolean = False
    demo_minutes: Minutes | None = None
    stay_minutes: Minutes | None = None
    notes: Annotated[Text, Field(max_length=500)] = ""
    received_by_id: Id | None = Field(None, description="Who received the visitor; you if left out")
    customer_id: Id | None = Field(None, description="The customer the visitor is, if known")


class LinkIn(Input):
    customer_id: Id


class ReceptionQuery(PageQuery):
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    channel: str = Field("", pattern=r"^(|walk_in|phone|web|other)$")
    received_by: int | None = Field(None, ge=1, le=2**63 - 1)
    state: str = Field("", pattern=r"^(|open|customer|new)$")


class ReceptionOut(Schema):
    id: int
    at: dt.datetime
    channel: str
    channel_label: str = Field(alias="get_channel_display")
    visitor_name: str
    phone: str
    party_size: int
    need: str
    product_interest: str
    demo: bool
    demo_minutes: int | None
    stay_minutes: int | None
    notes: str
    received_by: RefOf | None
    customer: RefOf | None
    converted_at: dt.datetime | None


class ReceptionPageOut(Schema):
    items: list[ReceptionOut]
    next_cursor: str | None


class DayCountsOut(Schema):
    day: dt.date
    total: int
    walk_in: int
    phone: int
    web: int
    other: int
    demos: int
    linked: int
    converted: int
    conversion: float | None

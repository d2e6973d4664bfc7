"""Request and response shapes of the call-centre API (SRV-3). Input schemas check JSON types
and rough sizes; the rules stay in calls.services. Phone numbers go out masked (ARC-6)."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator

from guanxi.core.phones import mask_phone
from guanxi.core.schemas import Id, Input, Integer, PageQuery, QueryId, RefOf, Text, choices
from guanxi.service.models import Call

MaskedPhone = Annotated[str, AfterValidator(mask_phone)]
TYPES = "|".join(Call.Type.values)


class CallIn(Input):
    direction: Annotated[str, Field(json_schema_extra=choices(Call.Direction.values))]
    type: Annotated[str, Field(json_schema_extra=choices(Call.Type.values))]
    number: Annotated[Text, Field(max_length=30)] = Field(
        "", description="Any notation (+86, 0086, spaces, dashes); empty when withheld"
    )
    started_at: dt.datetime | None = Field(None, description="When the call began; now if left out")
    duration_seconds: Annotated[Integer, Field(ge=0, le=86400)] = 0
    notes: Annotated[Text, Field(max_length=1000)] = ""
    customer_id: Id | None = Field(None, description="The customer who called or was called")


class CallQuery(PageQuery):
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    type: str = Field("", pattern=rf"^(|{TYPES})$")
    direction: str = Field("", pattern=r"^(|in|out)$")
    agent: QueryId | None = None
    customer: QueryId | None = None
    number: str = Field("", max_length=30, description="Any notation")


class CallOut(Schema):
    id: int
    number: MaskedPhone = Field(description="Masked (138****8000)")
    direction: str
    type: str
    type_label: str = Field(alias="get_type_display")
    started_at: dt.datetime
    duration_seconds: int
    notes: str
    agent: RefOf | None
    customer: RefOf | None


class CallPageOut(Schema):
    items: list[CallOut]
    next_cursor: str | None


class RecentCallOut(Schema):
    id: int
    type: str
    started_at: dt.datetime


class CustomerCardOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    category: str
    owner: str
    department: str
    city: str
    mobile_masked: str
    matched_by: str = Field(description="mobile, contact, office_phone or home_phone")
    can_reveal: bool = Field(description="POST /customers/{id}/reveal shows the full number")
    recent_calls: list[RecentCallOut]


class LookupOut(Schema):
    number_masked: str
    cards: list[CustomerCardOut]


class RingIn(Input):
    number: Annotated[Text, Field(max_length=30)] = Field(
        "", description="The caller's number in any notation; empty when withheld"
    )
    agent: Annotated[Text, Field(min_length=1, max_length=150)] = Field(
        description="The username of the agent whose phone rings"
    )


class RingOut(Schema):
    id: int
    agent: RefOf
    number: MaskedPhone
    rang_at: dt.datetime

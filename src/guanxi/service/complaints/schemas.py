"""Request and response shapes of the complaints API (CMP). Input schemas check JSON types
and rough sizes only; the rules stay in complaints.services, so the pages and the API refuse
the same input with the same messages."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from guanxi.core.schemas import DecimalIn, Id, Input, Money, RefOf, Text, choices
from guanxi.service.complaints.services import STEPS
from guanxi.service.models import Complaint, Severity

Note = Annotated[Text, Field(max_length=4000)]


class ComplaintIn(Input):
    customer_id: Id
    channel: Annotated[str, Field(max_length=8)] = Field(
        json_schema_extra=choices(Complaint.Channel.values)
    )
    category_id: Id
    item_id: Id | None = None
    severity: Annotated[str, Field(max_length=10)] = Field(
        Severity.NORMAL, json_schema_extra=choices(Severity.values)
    )
    product_id: Id | None = None
    title: Annotated[Text, Field(max_length=200)]
    description: Note
    call_id: Id | None = None


class NoteIn(Input):
    note: Note


class StepIn(Input):
    step: Annotated[str, Field(max_length=12)] = Field(json_schema_extra=choices(STEPS[1:]))
    note: Note


class RouteIn(Input):
    user_id: Id | None = None
    department_id: Id | None = None
    note: Note = ""


class ComplaintCloseIn(Input):
    resolution: Annotated[str, Field(max_length=10)] = Field(
        json_schema_extra=choices(Complaint.Resolution.values)
    )
    note: Note = ""


class CompensationIn(Input):
    amount: DecimalIn
    note: Note


class ClockOut(Schema):
    code: str
    due: dt.datetime
    done_at: dt.datetime | None
    state: str = Field(description="met, late, missed, at_risk or running")


class ComplaintEventOut(Schema):
    kind: str
    note: str
    actor: RefOf | None
    at: dt.datetime
    data: dict[str, object]


class ComplaintOut(Schema):
    id: int
    customer: RefOf
    channel: str
    category: RefOf
    item: RefOf | None
    severity: str
    product: RefOf | None
    title: str
    status: str
    step: int = Field(description="steps done: 1 接受 … 5 感谢")
    resolution: str
    owner: RefOf | None
    department: RefOf | None
    first_owner: RefOf | None
    reopened: int
    escalation_level: int
    sla: str = Field(description="missed, at_risk or on_track")
    clocks: list[ClockOut]
    compensation: Money | None
    compensation_state: str
    call_id: int | None
    created_at: dt.datetime
    closed_at: dt.datetime | None


class ComplaintDetailOut(ComplaintOut):
    description: str
    events: list[ComplaintEventOut]


class ComplaintPageOut(Schema):
    items: list[ComplaintOut]
    next_cursor: str | None


# ---------------------------------------------------------------- set-up (CMP-1, CMP-2)


class CategoryIn(Input):
    name: Annotated[Text, Field(max_length=80)]
    name_en: Annotated[Text, Field(max_length=120)] = ""
    code: Annotated[str, Field(max_length=40)] = ""
    parent_id: Id | None = None
    active: bool = True
    sort_order: Annotated[int, Field(ge=0, le=100_000)] = 0


class CategoryOut(Schema):
    id: int
    parent_id: int | None
    code: str
    name: str
    name_en: str
    active: bool
    sort_order: int


class RouteRuleIn(Input):
    to_user_id: Id | None = None
    to_department_id: Id | None = None
    category_id: Id | None = None
    product_id: Id | None = None
    customer_department_id: Id | None = None
    priority: Annotated[int, Field(ge=0, le=32767)] = 100


class RouteRuleOut(Schema):
    id: int
    priority: int
    category_id: int | None
    product_id: int | None
    customer_department_id: int | None
    to_user_id: int | None
    to_department_id: int | None
    active: bool


class SlaTargetIn(Input):
    category_id: Id | None = None
    severity: Annotated[str, Field(max_length=10)] = Field(
        "", json_schema_extra=choices(["", *Severity.values])
    )
    respond_minutes: Annotated[int, Field(ge=1, le=525_600)]
    resolve_minutes: Annotated[int, Field(ge=1, le=525_600)]


class SlaTargetOut(Schema):
    id: int
    category_id: int | None
    severity: str
    respond_minutes: int
    resolve_minutes: int


class SettingsIn(Input):
    route_minutes: Annotated[int, Field(ge=1, le=525_600)] | None = None
    next_level_minutes: Annotated[int, Field(ge=1, le=525_600)] | None = None
    compensation_approval_above: DecimalIn | None = None


class SettingsOut(Schema):
    route_minutes: int
    next_level_minutes: int
    compensation_approval_above: Money

"""Request and response shapes of the 回访 API (CARE-1, CARE-3). Input schemas check JSON
types and rough sizes only; the rules stay in visits.services, so the pages and the API
refuse the same input with the same messages."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from guanxi.care.models import CareTask, SpotCheck
from guanxi.care.visits.services import Resolution
from guanxi.core.schemas import Id, Input, Integer, RefOf, Text, choices, not_blank

Notes = Annotated[Text, Field(max_length=4000)]


# ---------------------------------------------------------------- input


class VisitIn(Input):
    customer_id: Id
    due_at: dt.datetime
    topic_id: Id | None = None
    channel: Annotated[str, Field(max_length=10)] = Field(
        CareTask.Channel.PHONE, json_schema_extra=choices(CareTask.Channel.values)
    )
    assignee_id: Id | None = Field(None, description="Another user (care.task_others); else you")
    title: Annotated[Text, Field(max_length=200)] = ""
    notes: Notes = ""


class VisitDoIn(Input):
    outcome: Annotated[str, Field(max_length=14)] = Field(
        json_schema_extra=choices(CareTask.Outcome.values)
    )
    answers: dict[Annotated[str, Field(max_length=40)], Annotated[Text, Field(max_length=1000)]] = (
        Field(default_factory=dict, description="The topic's question keys → what was said")
    )
    score: Integer | None = Field(None, description="1–10, where the topic asks for one")
    notes: Notes = ""
    retry_at: dt.datetime | None = Field(
        None, description="Unreachable: plan the next attempt at this time"
    )


class CloseIn(Input):
    resolution: Annotated[str, Field(max_length=10)] = Field(
        json_schema_extra=choices(Resolution.ALL)
    )
    note: Notes = ""


class TrackIn(Input):
    title: Annotated[Text, Field(max_length=200, json_schema_extra=not_blank())]
    assignee_id: Id
    due_at: dt.datetime
    notes: Notes = ""


class ReassignIn(Input):
    assignee_id: Id


class SpotResultIn(Input):
    result: Annotated[str, Field(max_length=12)] = Field(
        json_schema_extra=choices(SpotCheck.Result.values)
    )
    notes: Notes = ""


# ---------------------------------------------------------------- output


class QuestionOut(Schema):
    key: str
    text: str
    text_en: str


class TopicOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    scored: bool
    active: bool
    questions: list[QuestionOut]


class VisitOut(Schema):
    id: int
    customer: RefOf
    kind: str
    title: str
    channel: str
    status: str
    origin: str
    due_at: dt.datetime
    assignee: RefOf | None
    topic_id: int | None
    parent_id: int | None
    outcome: str
    answers: dict[str, str]
    score: int | None
    notes: str
    done_at: dt.datetime | None
    created_at: dt.datetime


class VisitPageOut(Schema):
    items: list[VisitOut]
    next_cursor: str | None


class RateRowOut(Schema):
    key: str | None
    label: str
    total: int
    counts: dict[str, int]
    rates: dict[str, float]
    invalid_rate: float


class RatesOut(Schema):
    period: str
    since: dt.date
    until: dt.date
    total: RateRowOut
    by_period: list[RateRowOut]
    by_assignee: list[RateRowOut]


class SpotCheckOut(Schema):
    id: int
    period_start: dt.date
    consultant: RefOf | None
    followup_id: int
    task_id: int
    customer: RefOf
    result: str


class SpotCheckPageOut(Schema):
    items: list[SpotCheckOut]
    next_cursor: str | None


class ConsultantChecksOut(Schema):
    consultant_id: int | None
    name: str
    matches: int
    differs: int
    unreachable: int
    open: int
    total: int
    match_rate: float | None


class DrawOut(Schema):
    period_start: dt.date
    created: int
    consultants: int

"""Request and response shapes of the follow-up, stage, grade and MAN API.

Input schemas check JSON types and rough sizes only; the rules (valid stage, grade, channel,
objection fields, next contact not in the past …) stay in the services, so the pages and the
API refuse the same input with the same messages.
"""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from guanxi.core.schemas import (
    Boolean,
    DecimalIn,
    Id,
    Input,
    Money,
    RefOf,
    Text,
    choices,
    not_blank,
)
from guanxi.pipeline.models import FollowUp, Objection
from guanxi.pipeline.schemas import Code, StageRefOf

# ---------------------------------------------------------------- input


class ObjectionIn(Input):
    type: Code = Field(
        description="price, quality, need, timing, trust, competitor, …",
        json_schema_extra=choices(Objection.Type.values),
    )
    is_excuse: Boolean = False
    real_objection: Annotated[Text, Field(max_length=200)] = ""
    temperament: Code = Field(
        "",
        description="rational, emotional, hesitant or empty",
        json_schema_extra=choices(Objection.Temperament.values),
    )
    method: Code = Field(
        "",
        description="direct, indirect, compensation, question or empty",
        json_schema_extra=choices(Objection.Method.values),
    )
    outcome: Code = Field(
        "open",
        description="open, resolved or lost",
        json_schema_extra=choices(Objection.Outcome.values),
    )
    script_id: Id | None = None


class FollowUpIn(Input):
    channel: Code = Field(
        description="phone, visit, sms, wechat, email, showroom",
        json_schema_extra=choices(FollowUp.Channel.values),
    )
    content: Annotated[Text, Field(max_length=4000, json_schema_extra=not_blank())]
    outcome: Annotated[Text, Field(max_length=200)] = ""
    effective: Boolean = False
    stage: Code | None = Field(None, description="Move to this stage (code), or null")
    grade: Annotated[str, Field(max_length=1)] | None = Field(None, description="A … E")
    next_contact_at: dt.datetime | None = None
    objections: list[ObjectionIn] = Field(default_factory=list, max_length=10)
    expected_amount: Annotated[DecimalIn, Field(ge=0, max_digits=14, decimal_places=2)] | None = (
        Field(None, description="Expected amount in yuan, or null: unchanged")
    )
    expected_close_on: dt.date | None = Field(
        None, description="Expected close date, or null: unchanged"
    )


class ObjectionOutcomeIn(Input):
    outcome: Code = Field(
        description="open, resolved or lost",
        json_schema_extra=choices(Objection.Outcome.values),
    )
    note: Annotated[Text, Field(max_length=1000)] = Field(
        "", description="Why, for the customer's timeline"
    )


class StageIn(Input):
    stage: Code
    note: Annotated[Text, Field(max_length=1000)] = ""


class GradeIn(Input):
    grade: Annotated[str, Field(max_length=1)] = Field(description="A, B, C, D, E or empty")


class ExpectationIn(Input):
    """The deal's expectation as it now stands: a value left out or null clears it."""

    expected_amount: Annotated[DecimalIn, Field(ge=0, max_digits=14, decimal_places=2)] | None = (
        Field(None, description="Expected amount in yuan, or null: none")
    )
    expected_close_on: dt.date | None = Field(None, description="Expected close date, or null")


class ManIn(Input):
    money: Boolean | None = None
    authority: Boolean | None = None
    need: Boolean | None = None


# ---------------------------------------------------------------- output


class ObjectionOut(Schema):
    id: int
    type: str
    is_excuse: Boolean
    real_objection: str
    temperament: str
    method: str
    outcome: str
    script_id: int | None


class ObjectionDetailOut(ObjectionOut):
    customer_id: int
    followup_id: int


class FollowUpOut(Schema):
    id: int
    customer_id: int
    at: dt.datetime
    user: RefOf | None
    channel: str
    content: str
    outcome: str
    effective: Boolean
    stage_before: StageRefOf | None
    stage_after: StageRefOf | None
    grade_before: str
    grade_after: str
    next_contact_at: dt.datetime | None
    objections: list[ObjectionOut]

    @staticmethod
    def resolve_objections(obj):
        return list(obj.objections.all())


class FollowUpPageOut(Schema):
    items: list[FollowUpOut]
    next_cursor: str | None


class ProspectOut(Schema):
    customer_id: int
    owner: RefOf | None
    stage: StageRefOf | None
    grade: str
    stage_changed_at: dt.datetime | None
    tracked: bool
    locked: bool
    dealt: bool
    man_money: bool | None
    man_authority: bool | None
    man_need: bool | None
    man_verdict: str
    man_verdict_label: str
    quality: dict
    quality_score: int | None
    risks: list
    referrer_id: int | None
    expected_amount: Money | None
    expected_close_on: dt.date | None
    last_followup_at: dt.datetime | None
    next_contact_at: dt.datetime | None
    next_due_at: dt.datetime | None
    recycle_due_at: dt.datetime | None

    @staticmethod
    def resolve_owner(obj):
        return obj.owner if obj.owner_id else None

    @staticmethod
    def resolve_man_verdict_label(obj):
        return str(obj.get_man_verdict_display())


class StageOut(Schema):
    code: str
    order: int
    name: str
    definition: str
    signals: list[str]
    questions: list[str]
    push_methods: list[str]
    cadence_days: int | None
    quota_group: str
    probability: int = Field(description="Chance of closing at this stage, per cent")

    @staticmethod
    def resolve_name(obj):
        return str(obj)

    @staticmethod
    def resolve_definition(obj):
        return obj.text("definition")

    @staticmethod
    def resolve_signals(obj):
        return [line for line in obj.text("signals").splitlines() if line.strip()]

    @staticmethod
    def resolve_questions(obj):
        return [line for line in obj.text("questions").splitlines() if line.strip()]

    @staticmethod
    def resolve_push_methods(obj):
        return [line for line in obj.text("push_methods").splitlines() if line.strip()]

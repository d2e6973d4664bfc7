"""Request and response shapes of the pipeline API (issue 3, item 11).

Input schemas check JSON types and rough sizes only; the rules (valid stage, grade, channel,
objection fields, next contact not in the past …) stay in the services, so the pages and the
API refuse the same input with the same messages. Phones are always masked.
"""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

from guanxi.core.phones import mask_phone
from guanxi.customers.schemas import Id, Ref, ShortText, Text

Code = Annotated[str, Field(max_length=20)]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": str(obj)} if obj is not None else None


def _stage_ref(stage) -> dict | None:
    return {"code": stage.code, "name": str(stage)} if stage is not None else None


# ---------------------------------------------------------------- input


class ObjectionIn(_Input):
    type: Code = Field(description="price, quality, need, timing, trust, competitor, …")
    is_excuse: bool = False
    real_objection: Annotated[Text, Field(max_length=200)] = ""
    temperament: Code = Field("", description="rational, emotional, hesitant or empty")
    method: Code = Field("", description="direct, indirect, compensation, question or empty")
    outcome: Code = Field("open", description="open, resolved or lost")
    script_id: Id | None = None


class FollowUpIn(_Input):
    channel: Code = Field(description="phone, visit, sms, wechat, email, showroom")
    content: Annotated[Text, Field(max_length=4000)]
    outcome: Annotated[Text, Field(max_length=200)] = ""
    effective: bool = False
    stage: Code | None = Field(None, description="Move to this stage (code), or null")
    grade: Annotated[str, Field(max_length=1)] | None = Field(None, description="A … E")
    next_contact_at: dt.datetime | None = None
    objections: list[ObjectionIn] = Field(default_factory=list, max_length=10)


class StageIn(_Input):
    stage: Code
    note: Annotated[Text, Field(max_length=1000)] = ""


class GradeIn(_Input):
    grade: Annotated[str, Field(max_length=1)] = Field(description="A, B, C, D, E or empty")


class ManIn(_Input):
    money: bool | None = None
    authority: bool | None = None
    need: bool | None = None


class ReleaseIn(_Input):
    reason: Code = Field(
        description="no_progress, no_decision_maker, lost_trust, pushed_too_hard or other"
    )
    note: ShortText = ""


# ---------------------------------------------------------------- output


class StageRef(Schema):
    code: str
    name: str


class ObjectionOut(Schema):
    id: int
    type: str
    is_excuse: bool
    real_objection: str
    temperament: str
    method: str
    outcome: str
    script_id: int | None


class FollowUpOut(Schema):
    id: int
    customer_id: int
    at: dt.datetime
    user: Ref | None
    channel: str
    content: str
    outcome: str
    effective: bool
    stage_before: StageRef | None
    stage_after: StageRef | None
    grade_before: str
    grade_after: str
    next_contact_at: dt.datetime | None
    objections: list[ObjectionOut]

    @staticmethod
    def resolve_user(obj):
        return _ref(obj.user)

    @staticmethod
    def resolve_stage_before(obj):
        return _stage_ref(obj.stage_before)

    @staticmethod
    def resolve_stage_after(obj):
        return _stage_ref(obj.stage_after)

    @staticmethod
    def resolve_objections(obj):
        return list(obj.objections.all())


class FollowUpPageOut(Schema):
    items: list[FollowUpOut]
    next_cursor: str | None


class ProspectOut(Schema):
    customer_id: int
    owner: Ref | None
    stage: StageRef | None
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
    last_followup_at: dt.datetime | None
    next_contact_at: dt.datetime | None
    next_due_at: dt.datetime | None
    recycle_due_at: dt.datetime | None

    @staticmethod
    def resolve_owner(obj):
        return _ref(obj.owner) if obj.owner_id else None

    @staticmethod
    def resolve_stage(obj):
        return _stage_ref(obj.stage)

    @staticmethod
    def resolve_man_verdict_label(obj):
        return str(obj.get_man_verdict_display())


class WorklistRowOut(Schema):
    customer_id: int
    name: str
    stage: StageRef | None
    grade: str
    next_due_at: dt.datetime | None
    next_contact_at: dt.datetime | None
    last_followup_at: dt.datetime | None
    recycle_due_at: dt.datetime | None

    @staticmethod
    def resolve_name(obj):
        return obj.customer.name

    @staticmethod
    def resolve_stage(obj):
        return _stage_ref(obj.stage)


class WorklistSectionOut(Schema):
    key: str
    rows: list[WorklistRowOut]
    more: bool


class TrackedOut(Schema):
    group: str
    count: int
    quota: int


class WorklistOut(Schema):
    sections: list[WorklistSectionOut]
    followed_today: int
    daily_target: int
    tracked: list[TrackedOut]


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


class PoolOut(Schema):
    id: int
    name: str
    customer_count: int
    daily_claim_cap: int
    cooldown_days: int


class PoolCustomerOut(Schema):
    customer_id: int
    name: str
    mobile: str = Field(description="Masked")
    stage: StageRef | None
    grade: str
    reason: str
    reason_label: str
    note: str
    released_at: dt.datetime
    previous_owner: Ref | None

    @staticmethod
    def resolve_name(obj):
        return obj.customer.name

    @staticmethod
    def resolve_mobile(obj):
        return mask_phone(obj.customer.mobile)

    @staticmethod
    def resolve_stage(obj):
        prospect = getattr(obj.customer, "prospect", None)
        return _stage_ref(prospect.stage) if prospect is not None else None

    @staticmethod
    def resolve_grade(obj):
        prospect = getattr(obj.customer, "prospect", None)
        return prospect.grade if prospect is not None else ""

    @staticmethod
    def resolve_reason_label(obj):
        return str(obj.get_reason_display())

    @staticmethod
    def resolve_previous_owner(obj):
        return _ref(obj.previous_owner)


class PoolCustomerPageOut(Schema):
    items: list[PoolCustomerOut]
    next_cursor: str | None


class ClaimOut(Schema):
    customer_id: int
    owner: Ref


class ReleaseOut(Schema):
    customer_id: int
    pool: Ref
    reason: str
    released_at: dt.datetime


class FunnelRowOut(Schema):
    stage: StageRef
    reached: int
    conversion: float | None
    median_days: float | None

    @staticmethod
    def resolve_stage(obj):
        return _stage_ref(obj.stage)


class FunnelOut(Schema):
    start: dt.date
    end: dt.date
    rows: list[FunnelRowOut]
    refused: list[FunnelRowOut]
    moves: int


class ScriptOut(Schema):
    id: int
    title: str
    body: str
    objection_type: str
    stage: StageRef | None
    use_count: int
    helpful_count: int = Field(description="Users who voted it helpful (one vote per user)")
    unhelpful_count: int = Field(description="Users who voted it not helpful")

    @staticmethod
    def resolve_stage(obj):
        return _stage_ref(obj.stage)

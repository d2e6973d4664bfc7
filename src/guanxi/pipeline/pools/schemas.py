"""Request and response shapes of the public-pool API. Phones are always masked."""

import datetime as dt

from ninja import Field, Schema

from guanxi.core.phones import mask_phone
from guanxi.core.schemas import Input, RefOf, ShortText, choices
from guanxi.pipeline.models import PoolEntry
from guanxi.pipeline.schemas import Code, StageRefOf


class ReleaseIn(Input):
    reason: Code = Field(
        description="no_progress, no_decision_maker, lost_trust, pushed_too_hard or other",
        json_schema_extra=choices(PoolEntry.Reason.values),
    )
    note: ShortText = ""


class PoolOut(Schema):
    id: int
    name: str
    customer_count: int
    daily_claim_cap: int
    cooldown_days: int


class PoolCustomerOut(Schema):
    customer_id: int
    name: str = Field(alias="customer.name")
    mobile: str = Field(description="Masked")
    stage: StageRefOf | None
    grade: str
    reason: str
    reason_label: str
    note: str
    released_at: dt.datetime
    previous_owner: RefOf | None

    @staticmethod
    def resolve_mobile(obj):
        return mask_phone(obj.customer.mobile)

    @staticmethod
    def resolve_stage(obj):
        prospect = getattr(obj.customer, "prospect", None)
        return prospect.stage if prospect is not None else None

    @staticmethod
    def resolve_grade(obj):
        prospect = getattr(obj.customer, "prospect", None)
        return prospect.grade if prospect is not None else ""

    @staticmethod
    def resolve_reason_label(obj):
        return str(obj.get_reason_display())


class PoolCustomerPageOut(Schema):
    items: list[PoolCustomerOut]
    next_cursor: str | None


class ClaimOut(Schema):
    customer_id: int
    owner: RefOf


class ReleaseOut(Schema):
    customer_id: int
    pool: RefOf
    reason: str
    released_at: dt.datetime

"""Response shapes of the work list API."""

import datetime as dt

from ninja import Schema

from guanxi.pipeline.schemas import StageRefOf


class WorklistRowOut(Schema):
    customer_id: int
    name: str
    stage: StageRefOf | None
    grade: str
    next_due_at: dt.datetime | None
    next_contact_at: dt.datetime | None
    last_followup_at: dt.datetime | None
    recycle_due_at: dt.datetime | None

    @staticmethod
    def resolve_name(obj):
        return obj.customer.name


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

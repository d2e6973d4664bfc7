"""Shapes of the care rules API (CARE-2): read the rules, preview what one would do."""

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema

from guanxi.core.schemas import RefOf


class RuleOut(Schema):
    id: int
    code: str | None
    name: str
    name_en: str
    stage: str = Field(description="维系环节: the step of the sale (seed 003 §2)")
    purpose: str = Field(description="目的")
    trigger: str
    params: dict[str, Any]
    offset: int = Field(description="Signed: negative is before the trigger")
    offset_unit: str
    business_hours: bool
    action: str
    channel: str
    template: RefOf | None
    topic: RefOf | None
    task_kind: str
    assignee: str
    assignee_role: RefOf | None
    assignee_department: RefOf | None
    assignee_user: RefOf | None
    implementer_role: RefOf | None = Field(description="实施人")
    supervisor_role: RefOf | None = Field(description="监督人")
    enabled: bool
    updated_at: dt.datetime


class RulePageOut(Schema):
    items: list[RuleOut]
    next_cursor: str | None


class PreviewQuery(Schema):
    """Changes to preview before saving them (none: the rule as saved)."""

    trigger: Annotated[str, Field(max_length=24)] = ""
    offset: Annotated[str, Field(max_length=12)] = ""
    offset_unit: Annotated[str, Field(max_length=5)] = ""
    business_hours: Annotated[str, Field(max_length=5)] = ""
    days: Annotated[str, Field(max_length=6)] = ""
    per_month: Annotated[str, Field(max_length=3)] = ""
    dates: Annotated[str, Field(max_length=400)] = ""


class PreviewDayOut(Schema):
    day: dt.date
    count: int


class PreviewOut(Schema):
    rule: RuleOut
    days: list[PreviewDayOut] = Field(description="Date rules: touches per day ahead")
    total: int
    scheduled: int = Field(description="Touches already recorded and due in the window")
    estimate_last_week: int | None = Field(
        description="Event rules: how often the event happened in the last seven days"
    )
    sample: list[RefOf]

"""Request and response shapes of the approval API (ORD-2). Input schemas check types and
sizes only; the rules (whose turn it is, comment required on reject …) stay in
`guanxi.sales.approvals.services`, so the pages and the API refuse the same input the same way."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from guanxi.core.schemas import Boolean, Input, RefOf, Text, ref

Target = Literal["contract", "payment", "invoice"]


class DecideIn(Input):
    approve: Boolean
    comment: Annotated[Text, Field(max_length=1000)] = Field(
        "", description="Required when approve is false"
    )


class WithdrawIn(Input):
    comment: Annotated[Text, Field(max_length=1000)] = ""


class TaskOut(Schema):
    id: int
    step_index: int
    approver: RefOf | None
    state: str
    decided_at: dt.datetime | None
    comment: str


class EventOut(Schema):
    id: int
    action: str
    step_index: int | None
    actor: RefOf | None
    comment: str
    at: dt.datetime


class StepOut(Schema):
    index: int
    label: str
    mode: str
    current: bool
    tasks: list[TaskOut]


class ApprovalOut(Schema):
    id: int
    target: str
    target_id: int
    state: str
    step_index: int
    title: str
    amount: Decimal | None
    flow: RefOf
    flow_version: int = Field(alias="flow_version.number")
    submitted_by: RefOf | None
    submitted_at: dt.datetime
    finished_at: dt.datetime | None
    can_decide: bool
    can_withdraw: bool
    steps: list[StepOut]
    events: list[EventOut] = Field(alias="event_list")

    @staticmethod
    def resolve_flow(obj):
        return ref(obj.flow_version.flow)

    @staticmethod
    def resolve_steps(obj):
        return [
            {
                "index": s.index,
                "label": s.label,
                "mode": s.mode,
                "current": s.current,
                "tasks": s.tasks,
            }
            for s in obj.step_views
        ]


class QueueItemOut(Schema):
    task_id: int = Field(alias="pk")
    approval_id: int
    target: str = Field(alias="approval.target")
    target_id: int = Field(alias="approval.target_id")
    contract_id: int | None
    title: str = Field(alias="approval.title")
    amount: Decimal | None = Field(alias="approval.amount")
    submitted_by: RefOf | None
    submitted_at: dt.datetime = Field(alias="approval.submitted_at")
    step_index: int
    step_label: str

    @staticmethod
    def resolve_contract_id(obj):
        return getattr(obj.approval, "contract_id", None)

    @staticmethod
    def resolve_submitted_by(obj):
        return ref(obj.approval.submitted_by)


class QueuePageOut(Schema):
    items: list[QueueItemOut]
    next_cursor: str | None


class ApprovalListOut(Schema):
    items: list[ApprovalOut]

"""/api/v1 for improvement action plans (SAT-4), in the caller's scope; creating needs the plans
permission, changing one's own plan only the scope."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Query, Router, Schema, Status

from guanxi.satisfaction.models import SurveyTemplate
from guanxi.satisfaction.plans import selectors, services

router = Router(tags=["Satisfaction"])


class ActionPlanIn(Schema):
    template_id: int | None = None
    factor_code: str = Field(max_length=40)
    item: str = Field(max_length=200)
    period: dt.date
    last_score: Decimal = Field(max_digits=6, decimal_places=2)
    target: Decimal = Field(max_digits=6, decimal_places=2)
    cause: str = Field(max_length=2000)
    measure: str = Field(max_length=2000)
    owner_id: int
    supervisor_id: int | None = None
    due_date: dt.date
    status: str = Field("open", max_length=12)


class ActionPlanOut(Schema):
    id: int
    factor_code: str
    item: str
    period: dt.date
    last_score: Decimal
    target: Decimal
    cause: str
    measure: str
    owner_id: int
    supervisor_id: int | None
    due_date: dt.date
    status: str
    next_month: dt.date
    next_score: Decimal | None
    target_met: bool | None


class PlanQuery(Schema):
    status: Annotated[str, Field(max_length=12)] = Field(
        "open", description="open (with in progress), in_progress, done, cancelled or all"
    )


def _out(row: selectors.PlanRow) -> dict[str, Any]:
    p = row.plan
    return {
        "id": p.pk,
        "factor_code": p.factor_code,
        "item": p.item,
        "period": p.period,
        "last_score": p.last_score,
        "target": p.target,
        "cause": p.cause,
        "measure": p.measure,
        "owner_id": p.owner_id,
        "supervisor_id": p.supervisor_id,
        "due_date": p.due_date,
        "status": p.status,
        "next_month": row.next_month,
        "next_score": row.next_score,
        "target_met": row.target_met,
    }


def _data(payload: ActionPlanIn) -> services.PlanData:
    template_id = payload.template_id
    if template_id is None:
        first = SurveyTemplate.objects.order_by("id").values_list("pk", flat=True).first()
        template_id = first or 0
    values = payload.model_dump()
    values["template_id"] = template_id
    return services.PlanData(**values)


@router.get("/satisfaction/plans", response=list[ActionPlanOut], summary="Action plans in scope")
def plan_list(request: Any, query: Query[PlanQuery]) -> list[dict[str, Any]]:
    return [_out(r) for r in selectors.plan_rows(user=request.auth, status=query.status)]


@router.get("/satisfaction/plans/{int:plan_id}", response=ActionPlanOut, summary="One action plan")
def plan_get(request: Any, plan_id: int) -> dict[str, Any]:
    plan = selectors.plan_for_user(user=request.auth, plan_id=plan_id)
    return _out(selectors.plan_rows_for(plans=[plan])[0])


@router.post("/satisfaction/plans", response={201: ActionPlanOut}, summary="Create an action plan")
def plan_create(request: Any, payload: ActionPlanIn) -> Status[Any]:
    plan = services.action_plan_create(actor=request.auth, data=_data(payload))
    return Status(201, _out(selectors.plan_rows_for(plans=[plan])[0]))


@router.put(
    "/satisfaction/plans/{int:plan_id}", response=ActionPlanOut, summary="Change an action plan"
)
def plan_update(request: Any, plan_id: int, payload: ActionPlanIn) -> dict[str, Any]:
    plan = services.action_plan_update(actor=request.auth, plan_id=plan_id, data=_data(payload))
    return _out(selectors.plan_rows_for(plans=[plan])[0])

"""/api/v1 for 回访 and care tasks (CARE-1) and spot checks (CARE-3).

Thin: parse, call a service or selector, render. A task outside the caller's scope answers
404 exactly like one that does not exist; bad input answers 422 with per-field messages and
nothing is written."""

from typing import Annotated, Any

from ninja import Field, Query, Router, Schema, Status

from guanxi.care.models import CareTask, CareTopic
from guanxi.care.visits import selectors, services
from guanxi.care.visits.schemas import (
    CloseIn,
    ConsultantChecksOut,
    DrawOut,
    RatesOut,
    ReassignIn,
    SpotCheckOut,
    SpotCheckPageOut,
    SpotResultIn,
    TopicOut,
    TrackIn,
    VisitDoIn,
    VisitIn,
    VisitOut,
    VisitPageOut,
)
from guanxi.core.schemas import IdFilter, PageQuery

router = Router(tags=["回访"])


class VisitQuery(PageQuery):
    status: Annotated[str, Field(max_length=10)] = Field(
        "open", description="open, done, cancelled or all"
    )
    due: Annotated[str, Field(max_length=10)] = Field("", description="today, overdue or later")
    kind: Annotated[str, Field(max_length=12)] = ""
    outcome: Annotated[str, Field(max_length=14)] = ""
    assignee: IdFilter = ""
    topic: IdFilter = ""
    customer: IdFilter = ""


class RateQuery(Schema):
    period: Annotated[str, Field(max_length=5)] = Field("week", description="week or month")
    since: Annotated[str, Field(max_length=10)] = ""
    until: Annotated[str, Field(max_length=10)] = ""
    assignee: IdFilter = ""
    topic: IdFilter = ""


class SpotQuery(PageQuery):
    period: Annotated[str, Field(max_length=10)] = Field("", description="a fortnight's Monday")
    consultant: IdFilter = ""
    result: Annotated[str, Field(max_length=12)] = Field(
        "", description="open, matches, differs or unreachable"
    )


def _task(request: Any, task_id: int) -> CareTask:
    return selectors.task_for_user(user=request.auth, task_id=task_id)


# ---------------------------------------------------------------- 回访


@router.get("/care/visits", response=VisitPageOut, summary="回访 and care tasks in scope")
def visit_list(request: Any, query: Query[VisitQuery]) -> dict[str, Any]:
    filters = selectors.VisitFilters.from_params(query.model_dump())
    page = selectors.visit_page(
        user=request.auth, filters=filters, cursor=query.cursor or None, limit=query.limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/care/visits", response={201: VisitOut}, summary="Plan a 回访 by hand")
def visit_create(request: Any, payload: VisitIn) -> Status[Any]:
    task = services.care_visit_create(
        actor=request.auth, new=services.VisitNew(**payload.model_dump())
    )
    return Status(201, _task(request, task.pk))


@router.get("/care/visits/rates", response=RatesOut, summary="无效回访分析: outcome rates")
def visit_rates(request: Any, query: Query[RateQuery]) -> dict[str, Any]:
    report = selectors.visit_rates(
        user=request.auth, filters=selectors.RateFilters.from_params(query.model_dump())
    )

    def row(r: selectors.RateRow) -> dict[str, Any]:
        return {
            "key": None if r.key is None else str(r.key),
            "label": r.label,
            "total": r.total,
            "counts": r.counts,
            "rates": r.rates,
            "invalid_rate": r.invalid_rate,
        }

    return {
        "period": report.period,
        "since": report.since,
        "until": report.until,
        "total": row(report.total),
        "by_period": [row(r) for r in report.by_period],
        "by_assignee": [row(r) for r in report.by_assignee],
    }


@router.get("/care/visits/{int:task_id}", response=VisitOut, summary="One 回访 or care task")
def visit_get(request: Any, task_id: int) -> CareTask:
    return _task(request, task_id)


@router.post(
    "/care/visits/{int:task_id}/do",
    response=VisitOut,
    summary="Record the outcome of a 回访 and close it",
)
def visit_do(request: Any, task_id: int, payload: VisitDoIn) -> CareTask:
    services.care_visit_do(
        actor=request.auth, task_id=task_id, record=services.VisitRecord(**payload.model_dump())
    )
    return _task(request, task_id)


@router.post(
    "/care/visits/{int:task_id}/close",
    response=VisitOut,
    summary="Close a task without a call (an action done, or cancelled with the reason)",
)
def visit_close(request: Any, task_id: int, payload: CloseIn) -> CareTask:
    services.care_task_close(
        actor=request.auth, task_id=task_id, resolution=payload.resolution, note=payload.note
    )
    return _task(request, task_id)


@router.post(
    "/care/visits/{int:task_id}/track",
    response={201: VisitOut},
    summary="Raise a follow-up action from a 回访 that reached the customer",
)
def visit_track(request: Any, task_id: int, payload: TrackIn) -> Status[Any]:
    action = services.care_visit_track(
        actor=request.auth, task_id=task_id, new=services.TrackNew(**payload.model_dump())
    )
    return Status(201, _task(request, action.pk))


@router.post(
    "/care/visits/{int:task_id}/reassign",
    response=VisitOut,
    summary="Give an open task to another user (care.task_others)",
)
def visit_reassign(request: Any, task_id: int, payload: ReassignIn) -> CareTask:
    services.care_task_reassign(
        actor=request.auth, task_id=task_id, assignee_id=payload.assignee_id, request=request
    )
    return _task(request, task_id)


@router.get("/care/topics", response=list[TopicOut], summary="回访 topics and their questions")
def topic_list(request: Any) -> list[CareTopic]:
    return list(CareTopic.objects.all())


# ---------------------------------------------------------------- spot checks


def _spot_out(check: Any) -> dict[str, Any]:
    return {
        "id": check.pk,
        "period_start": check.period_start,
        "consultant": check.consultant,
        "followup_id": check.followup_id,
        "task_id": check.task_id,
        "customer": check.task.customer,
        "result": check.result,
    }


@router.get("/care/spot-checks", response=SpotCheckPageOut, summary="Spot checks in scope")
def spot_check_list(request: Any, query: Query[SpotQuery]) -> dict[str, Any]:
    filters = selectors.SpotFilters.from_params(query.model_dump())
    page = selectors.spot_check_page(
        user=request.auth, filters=filters, cursor=query.cursor or None, limit=query.limit
    )
    return {"items": [_spot_out(c) for c in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/care/spot-checks/consultants",
    response=list[ConsultantChecksOut],
    summary="Spot-check results per consultant, with the match rate",
)
def spot_check_summary(request: Any, query: Query[SpotQuery]) -> list[dict[str, Any]]:
    filters = selectors.SpotFilters.from_params(query.model_dump())
    return [
        {**row.__dict__, "total": row.total, "match_rate": row.match_rate}
        for row in selectors.spot_check_summary(user=request.auth, filters=filters)
    ]


@router.post(
    "/care/spot-checks/draw",
    response=DrawOut,
    summary="Draw the last complete fortnight's spot checks (care.spot_check; once per fortnight)",
)
def spot_check_draw(request: Any) -> dict[str, Any]:
    result = services.spot_checks_draw(actor=request.auth)
    return result.__dict__


@router.post(
    "/care/spot-checks/{int:spot_check_id}/result",
    response=SpotCheckOut,
    summary="Record a spot check's result (care.spot_check)",
)
def spot_check_result(request: Any, spot_check_id: int, payload: SpotResultIn) -> dict[str, Any]:
    selectors.spot_check_for_user(user=request.auth, spot_check_id=spot_check_id)
    services.spot_check_record(
        actor=request.auth,
        spot_check_id=spot_check_id,
        result=payload.result,
        notes=payload.notes,
    )
    return _spot_out(selectors.spot_check_for_user(user=request.auth, spot_check_id=spot_check_id))

"""/api/v1 for complaints (CMP): list, get, log, accept, the steps, route, close, reopen,
compensation, each with its SLA state.

Thin: parse, call a service or selector, render. A complaint outside the caller's scope
answers 404 like one that does not exist; bad input answers 422 with per-field messages and
nothing is written."""

from collections.abc import Callable
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from guanxi.accounts.models import Department, User
from guanxi.core.api_endpoints import endpoint_view, referenced
from guanxi.core.schemas import IdFilter, PageQuery
from guanxi.service.complaints import selectors, services, setup
from guanxi.service.complaints.schemas import (
    CategoryIn,
    CategoryOut,
    CompensationIn,
    ComplaintCloseIn,
    ComplaintDetailOut,
    ComplaintIn,
    ComplaintPageOut,
    NoteIn,
    RouteIn,
    RouteRuleIn,
    RouteRuleOut,
    SettingsIn,
    SettingsOut,
    SlaTargetIn,
    SlaTargetOut,
    StepIn,
)
from guanxi.service.models import (
    Complaint,
    ComplaintCategory,
    ComplaintRoute,
    ComplaintSettings,
    SlaTarget,
)

router = Router(tags=["Complaints"])


class ComplaintQuery(PageQuery):
    status: Annotated[str, Field(max_length=8)] = Field("open", description="open, closed or all")
    channel: Annotated[str, Field(max_length=8)] = ""
    severity: Annotated[str, Field(max_length=10)] = ""
    sla: Annotated[str, Field(max_length=10)] = Field("", description="missed, at_risk or on_track")
    category: IdFilter = ""
    owner: IdFilter = ""
    queue: IdFilter = ""
    customer: IdFilter = ""
    escalated: bool = False
    unrouted: bool = False


def _out(complaint: Complaint) -> dict[str, Any]:
    return {
        **{
            name: getattr(complaint, name)
            for name in (
                "id",
                "customer",
                "channel",
                "category",
                "item",
                "severity",
                "product",
                "title",
                "status",
                "step",
                "resolution",
                "owner",
                "department",
                "reopened",
                "escalation_level",
                "compensation",
                "compensation_state",
                "call_id",
                "created_at",
                "closed_at",
            )
        },
        "first_owner": complaint.first_owner if complaint.first_owner_id else None,
        "sla": selectors.sla_state(complaint=complaint),
        "clocks": [clock.__dict__ for clock in selectors.clocks(complaint=complaint)],
    }


def _detail(request: Any, complaint_id: int) -> dict[str, Any]:
    complaint = selectors.complaint_for_user(user=request.auth, complaint_id=complaint_id)
    return {
        **_out(complaint),
        "description": complaint.description,
        "events": selectors.complaint_events(complaint=complaint),
    }


@router.get("/complaints", response=ComplaintPageOut, summary="Complaints in scope, newest first")
def complaint_list(request: Any, query: Query[ComplaintQuery]) -> dict[str, Any]:
    params = query.model_dump()
    params["escalated"] = "1" if query.escalated else ""
    params["unrouted"] = "1" if query.unrouted else ""
    filters = selectors.ComplaintFilters.from_params(params)
    page = selectors.complaint_page(
        user=request.auth, filters=filters, cursor=query.cursor or None, limit=query.limit
    )
    return {"items": [_out(c) for c in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/complaints",
    response={201: ComplaintDetailOut},
    summary="Log a complaint; the routing rules send it to a queue or a user at once",
)
def complaint_create(request: Any, payload: ComplaintIn) -> Status[Any]:
    complaint = services.complaint_create(
        actor=request.auth, new=services.NewComplaint(**payload.model_dump())
    )
    return Status(201, _detail(request, complaint.pk))


@router.get("/complaints/{int:complaint_id}", response=ComplaintDetailOut, summary="A complaint")
def complaint_get(request: Any, complaint_id: int) -> dict[str, Any]:
    return _detail(request, complaint_id)


def _complaint_action(
    action: str, body: type[Schema], service: Callable[..., Any], summary: str
) -> None:
    """`POST /complaints/{id}/<action>`, named after its service: the body's fields go to the
    service as they are, and the answer is the complaint as it is afterwards (the steps of
    handling a complaint differ in nothing else)."""

    def view(request: Any, complaint_id: int, payload: Schema) -> dict[str, Any]:
        service(actor=request.auth, complaint_id=complaint_id, **payload.model_dump())
        return _detail(request, complaint_id)

    router.post(
        f"/complaints/{{int:complaint_id}}/{action}", response=ComplaintDetailOut, summary=summary
    )(endpoint_view(view, name=service.__name__, payload=body))


_complaint_action(
    "accept",
    NoteIn,
    services.complaint_accept,
    "接受: accept it and become its owner (首问责任制); 409 if someone else was first",
)
_complaint_action(
    "step",
    StepIn,
    services.complaint_step,
    "Record the next step (calm, solve, act, thank) with its note",
)


@router.post(
    "/complaints/{int:complaint_id}/route",
    response=ComplaintDetailOut,
    summary="Route it to a user or a department's queue",
)
def complaint_route(request: Any, complaint_id: int, payload: RouteIn) -> dict[str, Any]:
    user = referenced(
        User.objects, payload.user_id, field="user_id", message=_("Not a valid choice.")
    )
    department = referenced(
        Department.objects,
        payload.department_id,
        field="department_id",
        message=_("Not a valid choice."),
    )
    services.complaint_route(
        actor=request.auth,
        complaint_id=complaint_id,
        note=payload.note,
        to_user=user,
        to_department=department,
    )
    return _detail(request, complaint_id)


_complaint_action(
    "close",
    ComplaintCloseIn,
    services.complaint_close,
    "Close it after 感谢, resolved or not",
)
_complaint_action(
    "reopen",
    NoteIn,
    services.complaint_reopen,
    "Reopen a closed complaint (back to 平息)",
)
_complaint_action(
    "compensation",
    CompensationIn,
    services.complaint_compensate,
    "Record compensation/goodwill; above the threshold it goes through approval",
)


# ---------------------------------------------------------------- set-up (service.complaint_setup)


@router.get(
    "/complaints/categories",
    response=list[CategoryOut],
    summary="Complaint categories and sub-items (seed 003 §4.2)",
)
def category_list(request: Any) -> list[ComplaintCategory]:
    return list(ComplaintCategory.objects.order_by("sort_order", "id"))


@router.post("/complaints/categories", response={201: CategoryOut}, summary="A new category")
def category_create(request: Any, payload: CategoryIn) -> Status[Any]:
    category = setup.category_save(
        actor=request.auth, data=setup.CategoryInput(**payload.model_dump())
    )
    return Status(201, category)


@router.put(
    "/complaints/categories/{int:category_id}",
    response=CategoryOut,
    summary="Rename, reorder or switch a category off",
)
def category_update(request: Any, category_id: int, payload: CategoryIn) -> ComplaintCategory:
    return setup.category_save(
        actor=request.auth,
        data=setup.CategoryInput(**payload.model_dump()),
        category_id=category_id,
    )


@router.get("/complaints/routes", response=list[RouteRuleOut], summary="Routing rules")
def route_list(request: Any) -> list[ComplaintRoute]:
    return list(ComplaintRoute.objects.order_by("priority", "id"))


@router.post("/complaints/routes", response={201: RouteRuleOut}, summary="A new routing rule")
def route_create(request: Any, payload: RouteRuleIn) -> Status[Any]:
    route = setup.route_create(actor=request.auth, data=setup.RouteInput(**payload.model_dump()))
    return Status(201, route)


@router.delete(
    "/complaints/routes/{int:route_id}", response={204: None}, summary="Delete a routing rule"
)
def route_delete(request: Any, route_id: int) -> Status[None]:
    setup.route_delete(actor=request.auth, route_id=route_id)
    return Status(204, None)


@router.get("/complaints/sla-targets", response=list[SlaTargetOut], summary="SLA targets")
def sla_target_list(request: Any) -> list[SlaTarget]:
    return list(SlaTarget.objects.order_by("category_id", "severity"))


@router.put(
    "/complaints/sla-targets",
    response=SlaTargetOut,
    summary="Set the response and resolution targets of a category and severity",
)
def sla_target_set(request: Any, payload: SlaTargetIn) -> SlaTarget:
    return setup.sla_target_set(actor=request.auth, **payload.model_dump())


@router.get("/complaints/settings", response=SettingsOut, summary="Complaint settings")
def settings_get(request: Any) -> ComplaintSettings:
    return services.complaint_settings()


@router.patch(
    "/complaints/settings",
    response=SettingsOut,
    summary="Change the routing target, the escalation interval or the approval threshold",
)
def settings_update(request: Any, payload: SettingsIn) -> ComplaintSettings:
    return setup.settings_update(actor=request.auth, **payload.model_dump())

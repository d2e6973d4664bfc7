"""/api/v1 for a customer's pipeline state (issue 3, item 11): follow-ups, stage, grade and
MAN, and the stages with their guidance.

Thin, like the customer API: parse, call a service or selector, render. A customer outside
the caller's scope answers 404 exactly like one that does not exist; a visible customer the
caller may not change answers 403; bad input answers 422 with per-field messages in the
caller's language, and nothing is written.
"""

from collections.abc import Callable

from ninja import Field, Query, Router, Schema, Status

from guanxi.core.api_endpoints import endpoint_view
from guanxi.core.schemas import PageQuery, idempotency_key_extra
from guanxi.customers.archive.selectors import customer_get_for_user
from guanxi.customers.models import Customer
from guanxi.pipeline.models import Prospect
from guanxi.pipeline.prospects import selectors, services
from guanxi.pipeline.prospects.schemas import (
    ExpectationIn,
    FollowUpIn,
    FollowUpOut,
    FollowUpPageOut,
    GradeIn,
    ManIn,
    ObjectionDetailOut,
    ObjectionOutcomeIn,
    ProspectOut,
    StageIn,
    StageOut,
)

router = Router(tags=["pipeline"])


def _prospect_out(user, customer: Customer) -> Prospect:
    """The customer's pipeline state as stored; an unsaved default if it has none yet
    (a GET never writes)."""
    prospect = selectors.prospect_for_user(user=user, customer=customer)
    if prospect is None:
        prospect = Prospect(customer_id=customer.pk, owner_id=customer.owner_id)
    if prospect.owner_id:
        prospect.owner = customer.owner if customer.owner_id == prospect.owner_id else None
    return prospect


# ---------------------------------------------------------------- follow-ups


class FollowUpQuery(PageQuery):
    limit: int = Field(30, ge=1, le=100)


@router.get(
    "/customers/{int:customer_id}/followups",
    response=FollowUpPageOut,
    summary="A customer's follow-ups, newest first",
    operation_id="guanxi_pipeline_api_followup_list",
)
def followup_list(request, customer_id: int, query: Query[FollowUpQuery]):
    customer = customer_get_for_user(user=request.auth, customer_id=customer_id)
    return selectors.followup_page(customer=customer, cursor=query.cursor, limit=query.limit)


@router.post(
    "/customers/{int:customer_id}/followups",
    response={201: FollowUpOut, 200: FollowUpOut},
    summary="Log a follow-up (may move the stage and grade)",
    operation_id="guanxi_pipeline_api_followup_create",
    openapi_extra=idempotency_key_extra(
        required=False,
        description="Optional, a new unique value (e.g. a UUID) per follow-up: a "
        "retry with the same key and body returns the first follow-up (200) instead "
        "of logging it twice; the same key with another body is refused (409).",
    ),
)
def followup_create(request, customer_id: int, payload: FollowUpIn):
    customer = customer_get_for_user(user=request.auth, customer_id=customer_id)
    data = services.FollowUpInput(**payload.model_dump())
    logged = services.followup_log(
        actor=request.auth,
        customer=customer,
        data=data,
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    return Status(
        200 if logged.replayed else 201, selectors.followup_get(followup_id=logged.followup.pk)
    )


@router.patch(
    "/objections/{int:objection_id}",
    response=ObjectionDetailOut,
    summary="Update an objection's outcome (open, resolved, lost)",
    operation_id="guanxi_pipeline_api_objection_update",
)
def objection_update(request, objection_id: int, payload: ObjectionOutcomeIn):
    objection = selectors.objection_get_for_user(user=request.auth, objection_id=objection_id)
    return services.objection_set_outcome(
        actor=request.auth, objection=objection, outcome=payload.outcome, note=payload.note
    )


# ---------------------------------------------------------------- stage, grade, MAN


@router.get(
    "/customers/{int:customer_id}/prospect",
    response=ProspectOut,
    summary="A customer's stage, grade, MAN, tracking and due date",
    operation_id="guanxi_pipeline_api_prospect_detail",
)
def prospect_detail(request, customer_id: int):
    customer = customer_get_for_user(user=request.auth, customer_id=customer_id)
    return _prospect_out(request.auth, customer)


def _prospect_setter(
    facet: str,
    body: type[Schema],
    service: Callable[..., Prospect],
    *,
    summary: str,
    method: str = "POST",
) -> None:
    """`POST /customers/{id}/<facet>` (or `method`), the view `prospect_<facet>`: the stage,
    the grade, the expectation and MAN are set alike, the body's fields going to the service
    as they are, and each answers the customer's whole pipeline state."""

    def view(request, customer_id: int, payload: Schema):
        customer = customer_get_for_user(user=request.auth, customer_id=customer_id)
        service(actor=request.auth, customer=customer, **payload.model_dump())
        return _prospect_out(request.auth, customer)

    name = f"prospect_{facet}"
    router.api_operation(
        [method],
        f"/customers/{{int:customer_id}}/{facet}",
        response=ProspectOut,
        summary=summary,
        operation_id=f"guanxi_pipeline_api_{name}",
    )(endpoint_view(view, name=name, payload=body))


_prospect_setter("stage", StageIn, services.prospect_set_stage, summary="Set the stage")
_prospect_setter("grade", GradeIn, services.prospect_set_grade, summary="Set the grade")
_prospect_setter(
    "expectation",
    ExpectationIn,
    services.prospect_set_expectation,
    summary="Set or clear the expected amount and close date",
    method="PUT",
)
_prospect_setter(
    "man",
    ManIn,
    services.man_assess,
    summary="Money / Authority / Need (true, false or null = unknown)",
)


@router.get(
    "/stages",
    response=list[StageOut],
    summary="The intention stages and their guidance",
    operation_id="guanxi_pipeline_api_stage_list",
)
def stage_list(request):
    return selectors.stages()

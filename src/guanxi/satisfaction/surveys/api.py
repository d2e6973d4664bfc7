"""/api/v1 for survey templates and answers (SAT-1, SAT-2). Answers are read in the caller's
scope (the consultant's and the department's); bad scores answer 422 with per-field errors and
nothing is stored."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from guanxi.accounts.selectors import user_can
from guanxi.core.errors import NotFound, PermissionDenied, invalid_field
from guanxi.satisfaction.common import permissions
from guanxi.satisfaction.models import SurveyResponse, SurveyTemplate
from guanxi.satisfaction.surveys import selectors, services

router = Router(tags=["Satisfaction"])


class SurveyQuestionOut(Schema):
    id: int
    text: str
    text_en: str
    asks_expectation: bool


class SurveyFactorOut(Schema):
    code: str
    name: str
    name_en: str
    baseline: int
    questions: list[SurveyQuestionOut]


class SurveyTemplateOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    active: bool
    version: int | None


class VersionOut(Schema):
    template_id: int
    number: int
    scale_max: int
    low_threshold: int
    factors: list[SurveyFactorOut]


class AnswerIn(Schema):
    customer_id: int
    template_id: int
    scores: dict[Annotated[str, Field(max_length=12)], int | None] = Field(
        description='"e<question id>" expectation and "p<question id>" performance (1..scale), '
        '"overall" (1..scale) and "nps" (0–10)'
    )
    comment: str = Field("", max_length=2000)


class ResponseOut(Schema):
    id: int
    template_id: int
    version: int
    customer_id: int | None
    consultant_id: int | None
    department_id: int | None
    source: str
    kind: str
    answered_at: dt.datetime
    overall: int | None
    nps: int | None
    satisfaction: Decimal | None


class ResponsePageOut(Schema):
    items: list[ResponseOut]
    next_before: int | None


class ResponseQuery(Schema):
    limit: int = Field(50, ge=1, le=100)
    before: int | None = Field(None, ge=1, description="next_before of the page before")


def _response_out(r: SurveyResponse) -> dict[str, Any]:
    return {
        "id": r.pk,
        "template_id": r.version.template_id,
        "version": r.version.number,
        "customer_id": r.customer_id,
        "consultant_id": r.consultant_id,
        "department_id": r.department_id,
        "source": r.source,
        "kind": r.kind,
        "answered_at": r.answered_at,
        "overall": r.overall,
        "nps": r.nps,
        "satisfaction": r.satisfaction,
    }


@router.get("/satisfaction/templates", response=list[SurveyTemplateOut], summary="Survey templates")
def template_list(request: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": t.pk,
            "code": t.code,
            "name": t.name,
            "name_en": t.name_en,
            "active": t.active,
            "version": getattr(t, "last_version", None),
        }
        for t in selectors.templates()
    ]


@router.get(
    "/satisfaction/templates/{int:template_id}/versions/{int:number}",
    response=VersionOut,
    summary="One version of a survey: its factors and questions",
)
def version_get(request: Any, template_id: int, number: int) -> dict[str, Any]:
    version = selectors.version_of(selectors.template_by_id(template_id), number)
    return {
        "template_id": template_id,
        "number": version.number,
        "scale_max": version.scale_max,
        "low_threshold": version.low_threshold,
        "factors": [
            {
                "code": g.factor.code,
                "name": g.factor.name,
                "name_en": g.factor.name_en,
                "baseline": g.factor.baseline,
                "questions": [
                    {
                        "id": q.pk,
                        "text": q.text,
                        "text_en": q.text_en,
                        "asks_expectation": q.asks_expectation,
                    }
                    for q in g.questions
                ],
            }
            for g in selectors.structure(version)
        ],
    }


@router.get("/satisfaction/answers", response=ResponsePageOut, summary="Answers in scope")
def answer_list(request: Any, query: Query[ResponseQuery]) -> dict[str, Any]:
    responses = SurveyResponse.objects.visible_to(request.auth).select_related("version")
    if query.before:
        responses = responses.filter(pk__lt=query.before)
    rows = list(responses.order_by("-id")[: query.limit + 1])
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return {
        "items": [_response_out(r) for r in rows],
        "next_before": rows[-1].pk if more and rows else None,
    }


@router.get("/satisfaction/answers/{int:response_id}", response=ResponseOut, summary="One answer")
def answer_get(request: Any, response_id: int) -> dict[str, Any]:
    return _response_out(selectors.response_for_user(user=request.auth, response_id=response_id))


@router.post(
    "/satisfaction/answers",
    response={201: ResponseOut},
    summary="Record a customer's answers (staff, internal survey)",
)
def answer_create(request: Any, payload: AnswerIn) -> Status[Any]:
    if not user_can(user=request.auth, permission=permissions.COLLECT):
        raise PermissionDenied()
    if not SurveyTemplate.objects.filter(pk=payload.template_id, active=True).exists():
        raise invalid_field("template_id", _("No such survey template."))
    try:
        response = services.response_record(
            actor=request.auth,
            customer_id=payload.customer_id,
            template_id=payload.template_id,
            answers=services.AnswerInput(scores=payload.scores, comment=payload.comment),
        )
    except NotFound as exc:  # an id in the body is bad input, not a missing page
        raise invalid_field(
            "customer_id", _("This customer does not exist or is outside your data scope.")
        ) from exc
    return Status(201, _response_out(response))

"""Satisfaction records for tests, made through the services (answers, links, plans) so the
items, scope columns and the low-score task are as the application makes them."""

import datetime as dt

from django.utils import timezone

from guanxi.satisfaction.models import Question, SurveyTemplate
from guanxi.satisfaction.plans.services import PlanData, action_plan_create
from guanxi.satisfaction.surveys.services import (
    AnswerInput,
    current_version,
    response_record,
    survey_link_create,
)


def new_car() -> SurveyTemplate:
    return SurveyTemplate.objects.get(code="new_car")


def questions(template: SurveyTemplate | None = None) -> list[Question]:
    version = current_version(template=template or new_car())
    return list(
        Question.objects.filter(factor__version=version).order_by(
            "factor__sort_order", "sort_order"
        )
    )


def scores(
    *, expectation: int = 8, performance: int = 7, overall: int = 8, nps: int = 9, qs=None
) -> dict[str, object]:
    values: dict[str, object] = {}
    for q in qs if qs is not None else questions():
        values[f"e{q.pk}"] = expectation
        values[f"p{q.pk}"] = performance
    values["overall"] = overall
    values["nps"] = nps
    return values


def answer(actor, customer, **kwargs):
    return response_record(
        actor=actor,
        customer_id=customer.pk,
        template_id=new_car().pk,
        answers=AnswerInput(scores=scores(**kwargs)),
    )


def link(actor, customer, days: int = 14):
    return survey_link_create(
        actor=actor, customer_id=customer.pk, template_id=new_car().pk, days=days
    )


def plan(actor, owner, **overrides):
    today = timezone.localdate()
    data = {
        "template_id": new_car().pk,
        "factor_code": "transaction",
        "item": "公开透明的报价",
        "period": today.replace(day=1),
        "last_score": "-2.00",
        "target": "-0.50",
        "cause": "报价单只写总价",
        "measure": "逐项说明费用",
        "owner_id": owner.pk,
        "supervisor_id": None,
        "due_date": today + dt.timedelta(days=3),
        "status": "open",
    }
    data.update(overrides)
    return action_plan_create(actor=actor, data=PlanData(**data))

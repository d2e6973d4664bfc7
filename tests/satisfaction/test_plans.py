"""Improvement action plans (SAT-4): the seed table's columns, the next period's score against
the target, due items on the owner's work list, who may change them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from guanxi.core.dates import add_months
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.satisfaction.models import ActionPlan, AnswerItem
from guanxi.satisfaction.plans import selectors, services
from tests.sales.support import api
from tests.satisfaction.factories import answer, plan

pytestmark = pytest.mark.django_db


def test_a_plan_shows_the_next_periods_score_against_its_target(org, make_customer):
    relations, owner = org["relations"], org["sales1a"]
    this_month = timezone.localdate().replace(day=1)
    p = plan(relations, owner, period=add_months(this_month, -1), target="-1.00")
    response = answer(relations, make_customer(owner), expectation=8, performance=8)
    AnswerItem.objects.filter(response=response, factor_code="transaction").update(
        performance=6, gap=-2
    )
    row = selectors.plan_rows_for(plans=[p])[0]
    assert row.next_month == this_month
    assert row.next_score == Decimal("-2.00") and row.target_met is False
    assert row.factor_name == "交易过程"


def test_due_plans_are_on_the_owners_work_list(org, client_for):
    p = plan(org["relations"], org["sales1a"])
    plan(org["relations"], org["sales1a"], due_date=timezone.localdate() + dt.timedelta(days=30))
    html = (
        client_for(org["sales1a"])
        .get("/pipeline/reminders/", headers={"HX-Request": "true"})
        .content.decode()
    )
    assert "gx-wl-plans" in html and f'data-plan="{p.pk}"' in html
    assert html.count('data-plan="') == 1
    assert (
        "gx-wl-plans" not in client_for(org["sales1b"]).get("/pipeline/reminders/").content.decode()
    )


def test_missing_columns_are_field_errors_and_nothing_is_saved(org):
    with pytest.raises(ValidationFailed) as exc:
        plan(org["relations"], org["sales1a"], cause="", measure="", target="x", factor_code="nope")
    assert {"cause", "measure", "target", "factor_code"} <= set(exc.value.field_errors)
    assert not ActionPlan.objects.exists()


def test_the_owner_changes_their_plan_others_need_the_permission(org):
    p = plan(org["relations"], org["sales1a"])
    data = services.PlanData(
        template_id=p.template_id,
        factor_code=p.factor_code,
        item=p.item,
        period=p.period,
        last_score=p.last_score,
        target=p.target,
        cause=p.cause,
        measure=p.measure,
        owner_id=p.owner_id,
        supervisor_id=None,
        due_date=p.due_date,
        status="done",
    )
    assert (
        services.action_plan_update(actor=org["sales1a"], plan_id=p.pk, data=data).status == "done"
    )
    with pytest.raises(PermissionDenied):
        services.action_plan_update(actor=org["agent"], plan_id=p.pk, data=data)
    with pytest.raises(PermissionDenied):
        plan(org["sales1a"], org["sales1a"])


def test_the_plans_api(org):
    owner = org["sales1a"]
    body = {
        "factor_code": "transaction",
        "item": "议价过程令您愉快",
        "period": "2026-10-01",
        "last_score": "-2.1",
        "target": "-1",
        "cause": "反复请示",
        "measure": "明确权限",
        "owner_id": owner.pk,
        "due_date": "2026-12-31",
    }
    client = api(org["relations"])
    created = client.post("/api/v1/satisfaction/plans", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["target"] == "-1.00"
    bad = client.post(
        "/api/v1/satisfaction/plans", {**body, "cause": ""}, content_type="application/json"
    )
    assert bad.status_code == 422 and "cause" in str(bad.json())
    assert len(api(owner).get("/api/v1/satisfaction/plans").json()) == 1
    assert api(org["sales1b"]).get("/api/v1/satisfaction/plans").json() == []

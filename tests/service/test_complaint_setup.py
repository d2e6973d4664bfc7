"""The complaints' set-up as data (CMP-1, CMP-2): categories, routing rules, SLA targets and
settings through the API, for service.complaint_setup only, with field errors."""

import pytest

from guanxi.service.models import ComplaintCategory, ComplaintSettings, SlaTarget
from tests.sales.support import api, send
from tests.service.factories import make_complaint

pytestmark = pytest.mark.django_db


def test_relations_sets_up_a_category_a_rule_and_targets(relations, agent, make_customer):
    client = api(relations)
    made = send(
        client,
        "post",
        "/api/v1/complaints/categories",
        {"name": "交车延迟", "name_en": "Late delivery", "code": "late_delivery"},
    )
    assert made.status_code == 201, made.content
    category_id = made.json()["id"]
    taken = send(client, "post", "/api/v1/complaints/categories", {"name": "x", "code": "other"})
    assert taken.status_code == 422 and "code" in taken.json()["errors"]
    rule = send(
        client,
        "post",
        "/api/v1/complaints/routes",
        {"category_id": category_id, "to_user_id": relations.pk},
    )
    assert rule.status_code == 201, rule.content
    both = send(
        client,
        "post",
        "/api/v1/complaints/routes",
        {"to_user_id": relations.pk, "to_department_id": relations.department_id},
    )
    assert both.status_code == 422
    target = send(
        client,
        "put",
        "/api/v1/complaints/sla-targets",
        {"category_id": category_id, "severity": "", "respond_minutes": 30, "resolve_minutes": 60},
    )
    assert target.status_code == 200, target.content
    inverted = send(
        client,
        "put",
        "/api/v1/complaints/sla-targets",
        {"severity": "low", "respond_minutes": 90, "resolve_minutes": 60},
    )
    assert inverted.status_code == 422
    assert SlaTarget.objects.get(severity="low").respond_minutes == 240
    complaint = make_complaint(agent, make_customer(agent), code="late_delivery")
    assert complaint.owner_id == relations.pk
    assert complaint.resolve_target == 60
    settings = send(client, "patch", "/api/v1/complaints/settings", {"route_minutes": 15})
    assert settings.status_code == 200 and ComplaintSettings.objects.get().route_minutes == 15
    money = send(
        client, "patch", "/api/v1/complaints/settings", {"compensation_approval_above": "1.234"}
    )
    assert money.status_code == 422


def test_the_agent_may_read_but_not_change_the_set_up(agent):
    client = api(agent)
    assert client.get("/api/v1/complaints/categories").status_code == 200
    refused = send(client, "post", "/api/v1/complaints/categories", {"name": "x", "code": "x"})
    assert refused.status_code == 403
    assert not ComplaintCategory.objects.filter(code="x").exists()

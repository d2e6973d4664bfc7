"""/api/v1/care/visits and /api/v1/care/spot-checks (CARE-1, CARE-3): scoped, JSON field
errors, nothing written on bad input, in the OpenAPI document."""

import datetime as dt

import pytest
from django.utils import timezone

from guanxi.care.models import CareTask, CareTopic, SpotCheck
from guanxi.care.visits import services
from tests.care.factories import FollowUpRowFactory, make_visit
from tests.sales.support import api, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(sales1a, make_customer):
    return make_customer(sales1a, name="接口客户")


def _soon(days=1) -> str:
    return (timezone.now() + dt.timedelta(days=days)).isoformat()


def test_create_do_track_close_through_the_api(relations, sales1a, customer):
    client = api(relations)
    topic = CareTopic.objects.get(code="delivery_72h")
    created = send(
        client,
        "post",
        "/api/v1/care/visits",
        {"customer_id": customer.pk, "topic_id": topic.pk, "due_at": _soon()},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["customer"] == {"id": customer.pk, "name": "接口客户"}
    assert body["status"] == "open" and body["assignee"]["id"] == relations.pk
    task_id = body["id"]
    refused = send(client, "post", f"/api/v1/care/visits/{task_id}/do", {"outcome": "reached"})
    assert refused.status_code == 422 and "score" in refused.json()["errors"]
    done = send(
        client,
        "post",
        f"/api/v1/care/visits/{task_id}/do",
        {"outcome": "reached", "score": 8, "answers": {"unhappy": "没有"}},
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    tracked = send(
        client,
        "post",
        f"/api/v1/care/visits/{task_id}/track",
        {"title": "送保养券", "assignee_id": sales1a.pk, "due_at": _soon(2)},
    )
    assert tracked.status_code == 201 and tracked.json()["parent_id"] == task_id
    action_id = tracked.json()["id"]
    closed = send(
        api(sales1a), "post", f"/api/v1/care/visits/{action_id}/close", {"resolution": "done"}
    )
    assert closed.status_code == 200 and closed.json()["status"] == "done"
    listed = client.get(f"/api/v1/care/visits?status=all&customer={customer.pk}").json()
    assert {row["id"] for row in listed["items"]} == {task_id, action_id}


def test_bad_input_answers_json_field_errors_and_writes_nothing(relations, customer):
    client = api(relations)
    response = send(
        client,
        "post",
        "/api/v1/care/visits",
        {"customer_id": customer.pk, "due_at": _soon(900), "channel": "fax"},
    )
    assert response.status_code == 422
    assert {"due_at", "channel"} <= set(response.json()["errors"])
    assert (
        send(
            client, "post", "/api/v1/care/visits", {"customer_id": 1, "status": "done"}
        ).status_code
        == 422
    )
    assert not CareTask.objects.exists()
    zh = api(relations, language="zh-hans")
    response = send(
        zh, "post", "/api/v1/care/visits", {"customer_id": customer.pk, "due_at": _soon(900)}
    )
    assert "一年" in response.json()["errors"]["due_at"][0]


def test_reassign_and_the_scope(relations, sales1a, sales1b, customer):
    task = make_visit(relations, customer)
    assert (
        send(
            api(sales1a),
            "post",
            f"/api/v1/care/visits/{task.pk}/reassign",
            {"assignee_id": sales1b.pk},
        ).status_code
        == 403
    )
    response = send(
        api(relations),
        "post",
        f"/api/v1/care/visits/{task.pk}/reassign",
        {"assignee_id": sales1a.pk},
    )
    assert response.status_code == 200 and response.json()["assignee"]["id"] == sales1a.pk
    assert api(sales1a).get(f"/api/v1/care/visits/{task.pk}").status_code == 200
    assert api(sales1b).get(f"/api/v1/care/visits/{task.pk}").status_code == 404


def test_the_list_pages_by_cursor(relations, customer):
    for hours in range(5):
        make_visit(relations, customer, due_in_hours=hours + 1)
    client = api(relations)
    first = client.get("/api/v1/care/visits?limit=3").json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    second = client.get(f"/api/v1/care/visits?limit=3&cursor={first['next_cursor']}").json()
    assert len(second["items"]) == 2 and second["next_cursor"] is None
    assert client.get("/api/v1/care/visits?cursor=%25%25").status_code == 422
    assert client.get("/api/v1/care/visits?due=someday").status_code == 422


def test_rates_topics_and_spot_checks(relations, sales1a, customer):
    client = api(relations)
    task = make_visit(relations, customer)
    services.care_visit_do(
        actor=relations, task_id=task.pk, record=services.VisitRecord(outcome="wrong_number")
    )
    rates = client.get("/api/v1/care/visits/rates?period=month").json()
    assert rates["total"]["counts"] == {"wrong_number": 1}
    assert rates["total"]["invalid_rate"] == 100.0
    assert client.get("/api/v1/care/visits/rates?period=year").status_code == 422
    topics = client.get("/api/v1/care/topics").json()
    assert any(t["code"] == "intention_48h" and t["questions"] for t in topics)
    start = services.last_complete_fortnight(timezone.localdate())
    FollowUpRowFactory(
        customer=customer,
        user=sales1a,
        at=timezone.make_aware(dt.datetime.combine(start, dt.time(9))),
    )
    assert send(api(sales1a), "post", "/api/v1/care/spot-checks/draw").status_code == 403
    drawn = send(client, "post", "/api/v1/care/spot-checks/draw")
    assert drawn.status_code == 200 and drawn.json()["created"] == 1
    assert send(client, "post", "/api/v1/care/spot-checks/draw").json()["created"] == 0
    check = SpotCheck.objects.get()
    listed = client.get("/api/v1/care/spot-checks").json()
    assert [row["id"] for row in listed["items"]] == [check.pk]
    bad = send(client, "post", f"/api/v1/care/spot-checks/{check.pk}/result", {"result": "maybe"})
    assert bad.status_code == 422
    done = send(
        client, "post", f"/api/v1/care/spot-checks/{check.pk}/result", {"result": "matches"}
    )
    assert done.status_code == 200 and done.json()["result"] == "matches"
    summary = client.get("/api/v1/care/spot-checks/consultants").json()
    assert summary[0]["match_rate"] == 100.0


def test_the_openapi_document_lists_the_operations():
    from guanxi.api import api as ninja_api

    paths = ninja_api.get_openapi_schema()["paths"]
    for path in (
        "/api/v1/care/visits",
        "/api/v1/care/visits/{task_id}",
        "/api/v1/care/visits/{task_id}/do",
        "/api/v1/care/visits/{task_id}/close",
        "/api/v1/care/visits/{task_id}/track",
        "/api/v1/care/visits/{task_id}/reassign",
        "/api/v1/care/visits/rates",
        "/api/v1/care/spot-checks",
        "/api/v1/care/spot-checks/{spot_check_id}/result",
    ):
        assert path in paths, path

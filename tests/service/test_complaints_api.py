"""/api/v1/complaints (CMP): scoped per role, the steps with SLA state, JSON field errors and
nothing written on bad input."""

import pytest

from guanxi.service.models import Complaint
from tests.sales.support import api, send
from tests.service.factories import category, make_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(agent, sales1a, sales2a, make_customer):
    """One complaint about a 销售一部 customer, one about a 销售二部 customer."""
    first = make_complaint(agent, make_customer(sales1a, name="一部客户"))
    second = make_complaint(agent, make_customer(sales2a, name="二部客户"))
    return first, second


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("sales1a", {0}),
        ("sales1b", set()),
        ("sales2a", {1}),
        ("manager", {0, 1}),
        ("relations", {0, 1}),
        ("agent", {0, 1}),
        ("marketing", {0, 1}),
        ("admin", {0, 1}),
    ],
)
def test_each_role_sees_the_complaints_in_its_scope(org, two, username, sees):
    client = api(org[username])
    listed = client.get("/api/v1/complaints?status=all").json()["items"]
    expected = {two[i].pk for i in sees}
    assert {row["id"] for row in listed} == expected
    for index, complaint in enumerate(two):
        status = client.get(f"/api/v1/complaints/{complaint.pk}").status_code
        assert status == (200 if index in sees else 404)


def test_the_five_steps_through_the_api(agent):
    from tests.customers.factories import CustomerFactory

    customer = CustomerFactory(owner=agent, name="接口投诉")
    client = api(agent)
    created = send(
        client,
        "post",
        "/api/v1/complaints",
        {
            "customer_id": customer.pk,
            "channel": "email",
            "category_id": category("product_quality").pk,
            "severity": "high",
            "title": "空调不制冷",
            "description": "夏天开空调没有冷风",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "open" and body["step"] == 0 and body["sla"] == "on_track"
    assert [c["code"] for c in body["clocks"]] == ["route", "respond", "resolve"]
    pk = body["id"]
    skipped = send(client, "post", f"/api/v1/complaints/{pk}/step", {"step": "act", "note": "x"})
    assert skipped.status_code == 422 and "step" in skipped.json()["errors"]
    accepted = send(client, "post", f"/api/v1/complaints/{pk}/accept", {"note": "您好"})
    assert accepted.status_code == 200 and accepted.json()["owner"]["id"] == agent.pk
    again = send(client, "post", f"/api/v1/complaints/{pk}/accept", {"note": "再来"})
    assert again.status_code == 409
    for kind in ("calm", "solve", "act", "thank"):
        done = send(client, "post", f"/api/v1/complaints/{pk}/step", {"step": kind, "note": kind})
        assert done.status_code == 200, done.content
    bad = send(client, "post", f"/api/v1/complaints/{pk}/close", {"resolution": "maybe"})
    assert bad.status_code == 422 and "resolution" in bad.json()["errors"]
    closed = send(client, "post", f"/api/v1/complaints/{pk}/close", {"resolution": "resolved"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert [e["kind"] for e in closed.json()["events"]][-1] == "close"


def test_bad_input_answers_field_errors_and_writes_nothing(agent, make_customer, sales1a):
    customer = make_customer(sales1a)
    client = api(agent)
    cases = [
        {"customer_id": customer.pk, "channel": "fax", "category_id": category().pk},
        {"customer_id": customer.pk, "channel": "phone", "category_id": 999999},
        {
            "customer_id": customer.pk,
            "channel": "phone",
            "category_id": category().pk,
            "title": " ",
        },
        {"customer_id": "1", "channel": "phone", "category_id": category().pk},
        {
            "customer_id": customer.pk,
            "channel": "phone",
            "category_id": category().pk,
            "item_id": category("pq_defect").pk,
        },
    ]
    for case in cases:
        body = {"title": "标题", "description": "内容", **case}
        response = send(client, "post", "/api/v1/complaints", body)
        assert response.status_code in (400, 422), (case, response.content)
        assert response.json()["errors"], case
    assert not Complaint.objects.exists()
    money = make_complaint(agent, customer)
    refused = send(
        client,
        "post",
        f"/api/v1/complaints/{money.pk}/compensation",
        {"amount": "abc", "note": "x"},
    )
    assert refused.status_code in (400, 422)
    assert Complaint.objects.get(pk=money.pk).compensation is None


def test_the_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/complaints" in paths
    assert "/api/v1/complaints/{complaint_id}/accept" in paths

"""Client input is decoded by code that handles every case, and nothing under /api/ answers
HTML (issue 11 §2, INTG-2); the OpenAPI document says what the API answers (§3)."""

import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from ninja import Schema

from guanxi.api import api
from guanxi.pipeline.models import FollowUp
from guanxi.pipeline.pools import services as pools
from tests.pipeline.factories import PoolFactory
from tests.sales.factories import make_signed_contract, place_order
from tests.sales.support import items_of

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type=JSON, headers=headers)


def _refused(response, field):
    """A 422 in JSON with a message on `field` (or on a part of it: "plans.0.quantity")."""
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/json")
    errors = response.json()["errors"]
    assert any(name.split(".")[0] == field for name in errors), errors


# ---------------------------------------------------------------- huge quantities


@pytest.fixture
def contract(sales1a, make_customer):
    return make_signed_contract(sales1a, make_customer(sales1a, name="华东贸易"))


@pytest.mark.parametrize("quantity", [1e30, "1e30", 10**30, "1" + "0" * 30, 1e-30])
def test_huge_quantities_are_field_errors_not_500(api_for, sales1a, contract, quantity):
    client = api_for(sales1a, language="en")
    item = items_of(contract)[0]
    today = timezone.localdate().isoformat()
    base = f"/api/v1/contracts/{contract.pk}"
    plan = {"contract_item_id": item.pk, "quantity": quantity, "planned_on": today}
    _refused(_post(client, f"{base}/orders", {"ordered_on": today, "plans": [plan]}), "plans")
    stock_out = {"contract_item_id": item.pk, "quantity": quantity, "out_on": today}
    _refused(_post(client, f"{base}/stock-outs", stock_out), "quantity")
    order = place_order(sales1a, contract, (item, "2"))
    delivery = {"quantity": quantity, "delivered_on": today}
    url = f"/api/v1/delivery-plans/{order.plans.first().pk}/deliveries"
    _refused(_post(client, url, delivery), "quantity")


# ---------------------------------------------------------------- strict types


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("industry", True),
        ("source", True),
        ("visit_minutes", True),
        ("visit_minutes", False),
        ("visit_minutes", "30"),
        ("visit_minutes", 30.5),
        ("owner_id", True),
    ],
)
def test_customer_create_refuses_booleans_and_text_for_numbers(api_for, sales1a, field, value):
    body = {"name": "类型严格", "kind": "person", "mobile": "13800138111", field: value}
    _refused(_post(api_for(sales1a), "/api/v1/customers", body), field)


@pytest.mark.parametrize("value", [True, "true", 1])
def test_booleans_are_json_booleans(api_for, sales1a, make_customer, value):
    customer = make_customer(sales1a, name="布尔")
    body = {"name": "王经理", "is_decision_maker": value}
    url = f"/api/v1/customers/{customer.pk}/contacts"
    response = _post(api_for(sales1a), url, body)
    if value is True:
        assert response.status_code == 201, response.content
    else:
        _refused(response, "is_decision_maker")


# ---------------------------------------------------------------- limits and cursors


@pytest.mark.parametrize(("path", "limit"), [("timeline", 101), ("history", 201)])
def test_a_limit_above_the_maximum_is_422(api_for, sales1a, make_customer, path, limit):
    customer = make_customer(sales1a, name="限额")
    client = api_for(sales1a)
    url = f"/api/v1/customers/{customer.pk}/{path}"
    _refused(client.get(url, {"limit": limit}), "limit")
    _refused(client.get(url, {"limit": 0}), "limit")
    assert client.get(url, {"limit": limit - 1}).status_code == 200


@pytest.mark.parametrize("cursor", ["garbage", "2026-13-01T00:00:00_5", "2026-01-01_x", "x" * 600])
def test_every_cursor_error_names_the_cursor(api_for, sales1a, make_customer, contract, cursor):
    customer = make_customer(sales1a, name="游标")
    pool = PoolFactory(department=sales1a.department, cooldown_days=0)
    pools.pool_release(actor=sales1a, customer=make_customer(sales1a, name="公海"), reason="other")
    client = api_for(sales1a)
    urls = [
        "/api/v1/customers",
        f"/api/v1/customers/{customer.pk}/timeline",
        f"/api/v1/customers/{customer.pk}/followups",
        f"/api/v1/pools/{pool.pk}/customers",
        "/api/v1/contracts",
        "/api/v1/quotes",
        f"/api/v1/contracts/{contract.pk}/orders",
        f"/api/v1/contracts/{contract.pk}/payments",
        "/api/v1/delivery-plans",
        "/api/v1/approvals/queue",
    ]
    for url in urls:
        response = client.get(url, {"cursor": cursor})
        assert response.status_code == 422, (url, response.content)
        assert list(response.json()["errors"]) == ["cursor"], (url, response.json())


# ---------------------------------------------------------------- follow-up retries


def _followup(client, customer, key=None, content="电话沟通报价"):
    headers = {"Idempotency-Key": key} if key else {}
    body = {"channel": "phone", "content": content}
    return _post(client, f"/api/v1/customers/{customer.pk}/followups", body, **headers)


def test_a_retried_followup_with_its_key_is_logged_once(api_for, sales1a, make_customer):
    customer = make_customer(sales1a, name="重试")
    client = api_for(sales1a)
    key = str(uuid.uuid4())
    first = _followup(client, customer, key)
    assert first.status_code == 201, first.content
    retry = _followup(client, customer, key)
    assert retry.status_code == 200, retry.content
    assert retry.json()["id"] == first.json()["id"]
    assert FollowUp.objects.filter(customer=customer).count() == 1

    reused = _followup(client, customer, key, content="另一件事")
    assert reused.status_code == 409, reused.content
    assert reused.json()["code"] == "idempotency_key_reused"
    assert FollowUp.objects.filter(customer=customer).count() == 1

    # without a key every request is a new follow-up, as before
    assert _followup(client, customer).status_code == 201
    assert _followup(client, customer).status_code == 201
    assert FollowUp.objects.filter(customer=customer).count() == 3
    _refused(_followup(client, customer, "k" * 81), "Idempotency-Key")


def test_followup_keys_belong_to_their_user(api_for, sales1a, manager, make_customer):
    customer = make_customer(sales1a, name="各自的键")
    key = str(uuid.uuid4())
    assert _followup(api_for(sales1a), customer, key).status_code == 201
    assert _followup(api_for(manager), customer, key).status_code == 201
    assert FollowUp.objects.filter(customer=customer).count() == 2


# ---------------------------------------------------------------- never HTML


def test_a_method_not_served_is_json_405_with_allow(api_for, sales1a):
    response = api_for(sales1a).put("/api/v1/stages", "{}", content_type=JSON)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "MethodNotAllowed"
    assert "GET" in response["Allow"]


def test_an_unexpected_error_is_json_500(token_for, sales1a, monkeypatch):
    from guanxi.pipeline.prospects import selectors

    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "stages", broken)
    client = Client(
        headers={"Authorization": f"Bearer {token_for(sales1a)}"}, raise_request_exception=False
    )
    response = client.get("/api/v1/stages")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "InternalServerError"
    assert "a bug" not in response.content.decode()


# ---------------------------------------------------------------- the OpenAPI document


def _all_schemas(cls=Schema):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_schemas(sub)


def test_schema_names_are_unique():
    """Two schemas of one name share one entry in the document: order responses were
    described by the instalment plan's PlanOut."""
    modules: dict[str, set[str]] = {}
    for cls in _all_schemas():
        if cls.__module__.startswith("guanxi."):
            modules.setdefault(cls.__name__, set()).add(cls.__module__)
    doubles = {name: found for name, found in modules.items() if len(found) > 1}
    assert not doubles, doubles
    document = api.get_openapi_schema()
    order = document["components"]["schemas"]["OrderOut"]
    assert order["properties"]["plans"]["items"]["$ref"].endswith("/DeliveryPlanOut")


def test_idempotency_keys_and_error_answers_are_declared():
    paths = api.get_openapi_schema()["paths"]
    payment = paths["/api/v1/contracts/{contract_id}/payments"]["post"]
    followup = paths["/api/v1/customers/{customer_id}/followups"]["post"]
    for operation, required in ((payment, True), (followup, False)):
        (header,) = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
        assert header["in"] == "header" and header["required"] is required
        assert {"200", "201", "409", "422"} <= set(map(str, operation["responses"]))
    stages = paths["/api/v1/stages"]["get"]["responses"]
    assert set(map(str, stages)) == {"200", "401", "403"}
    error = stages[401]["content"]["application/json"]["schema"]["$ref"]
    assert error.endswith("/ErrorOut")

"""The fulfilment API (ORD-3): orders, cancel, deliveries, stock-outs, progress and the
schedule; data scope on every endpoint (404 and nothing written), refused states (409) and
bad input (422, per-field messages in the caller's language)."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from guanxi.sales.models import Contract, Order, StockOut
from tests.sales.factories import make_signed_contract, place_order
from tests.sales.support import SEES, fulfilment_state, items_of

pytestmark = pytest.mark.django_db

JSON = "application/json"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _post(client, url, body=None):
    return client.post(url, json.dumps(body if body is not None else {}), content_type=JSON, **EN)


@pytest.fixture
def contract(sales1a, make_customer):
    return make_signed_contract(sales1a, make_customer(sales1a, name="华东贸易"))


def _order_body(item, quantity="2", **extra):
    today = timezone.localdate().isoformat()
    return {
        "ordered_on": today,
        "notes": "API",
        "plans": [{"contract_item_id": item.pk, "quantity": quantity, "planned_on": today}],
        **extra,
    }


def test_order_lifecycle_through_the_api(client_for, sales1a, contract):
    machine, filters = items_of(contract)
    client = client_for(sales1a)
    base = f"/api/v1/contracts/{contract.pk}"
    created = _post(client, f"{base}/orders", _order_body(machine, "4"))
    assert created.status_code == 201, created.content
    order = created.json()
    assert order["status"] == "open" and order["number"].startswith("DD-")
    plan = order["plans"][0]
    assert plan["quantity"] == "4.000" and plan["remaining_quantity"] == "4.000"
    assert Contract.objects.get(pk=contract.pk).status == Contract.Status.EXECUTING

    today = timezone.localdate().isoformat()
    delivered = _post(
        client,
        f"/api/v1/delivery-plans/{plan['id']}/deliveries",
        {"quantity": "1.5", "delivered_on": today, "receiver": "张三"},
    )
    assert delivered.status_code == 201, delivered.content
    assert delivered.json()["quantity"] == "1.500"
    refused = _post(
        client,
        f"/api/v1/delivery-plans/{plan['id']}/deliveries",
        {"quantity": 3, "delivered_on": today},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"]["quantity"] == [
        "Only 2.5 remain to be delivered on this plan line."
    ]

    listing = client.get(f"{base}/orders").json()
    assert [o["status"] for o in listing["items"]] == ["partial"]
    assert listing["items"][0]["plans"][0]["deliveries"][0]["receiver"] == "张三"
    progress = client.get(f"{base}/fulfilment").json()
    rows = {row["contract_item_id"]: row for row in progress["items"]}
    assert rows[machine.pk]["remaining"] == "8.5" and rows[filters.pk]["ordered"] == "0"

    cancel = _post(client, f"/api/v1/orders/{order['id']}/cancel")
    assert cancel.status_code == 409
    assert "deliveries have been recorded" in cancel.json()["detail"]
    spare = _post(client, f"{base}/orders", _order_body(filters, "1")).json()
    cancelled = _post(client, f"/api/v1/orders/{spare['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_order_input_errors(client_for, sales1a, contract):
    machine, _filters = items_of(contract)
    client = client_for(sales1a)
    url = f"/api/v1/contracts/{contract.pk}/orders"
    before = fulfilment_state(contract)
    too_many = _post(client, url, _order_body(machine, "11"))
    assert too_many.status_code == 422
    assert "only 10 of 10 are not yet on an order" in " ".join(too_many.json()["errors"]["plans"])
    no_lines = _post(client, url, {**_order_body(machine), "plans": []})
    assert no_lines.status_code == 422
    unknown = _post(client, url, {**_order_body(machine), "status": "delivered"})
    assert unknown.status_code == 422 and "status" in unknown.json()["errors"]
    fraction = _post(client, url, _order_body(machine, "0.0001"))
    assert fraction.status_code == 422
    assert fraction.json()["errors"]["plans.0.quantity"] == [
        "Use at most three decimal places for a quantity."
    ]
    assert _post(client, url, _order_body(machine, "abc")).status_code == 422
    assert fulfilment_state(contract) == before


def test_order_on_a_draft_contract_is_409(client_for, sales1a, contract):
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.DRAFT)
    response = _post(
        client_for(sales1a),
        f"/api/v1/contracts/{contract.pk}/orders",
        _order_body(items_of(contract)[0]),
    )
    assert response.status_code == 409
    assert "signed or executing" in response.json()["detail"]
    assert not Order.objects.exists()


def test_stock_outs_through_the_api(client_for, sales1a, contract):
    machine, _filters = items_of(contract)
    client = client_for(sales1a)
    url = f"/api/v1/contracts/{contract.pk}/stock-outs"
    today = timezone.localdate().isoformat()
    created = _post(
        client,
        url,
        {"contract_item_id": machine.pk, "quantity": "6", "out_on": today, "warehouse": "一号仓"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["number"].startswith("CK-")
    over = _post(client, url, {"contract_item_id": machine.pk, "quantity": "5", "out_on": today})
    assert over.status_code == 422 and "only 4 of 10" in over.json()["errors"]["quantity"][0]
    listing = client.get(url).json()
    assert [row["quantity"] for row in listing["items"]] == ["6.000"]
    assert listing["next_cursor"] is None


def test_list_pages(client_for, sales1a, contract):
    machine, _filters = items_of(contract)
    for _ in range(3):
        place_order(sales1a, contract, (machine, 1))
    client = client_for(sales1a)
    first = client.get(f"/api/v1/contracts/{contract.pk}/orders?limit=2").json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(
        f"/api/v1/contracts/{contract.pk}/orders?limit=2&cursor={first['next_cursor']}"
    ).json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    ids = [o["id"] for o in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 3


def test_schedule_through_the_api(client_for, sales1a, manager, contract):
    today = timezone.localdate()
    order = place_order(sales1a, contract, (items_of(contract)[0], 2, today + dt.timedelta(days=1)))
    rows = client_for(sales1a).get("/api/v1/delivery-plans?state=upcoming").json()["items"]
    assert [r["plan_id"] for r in rows] == [order.plans.get().pk]
    assert rows[0]["contract_number"] == contract.number and rows[0]["late"] is False
    assert client_for(manager).get("/api/v1/delivery-plans?state=late").json()["items"] == []
    assert client_for(sales1a).get("/api/v1/delivery-plans?state=nope").status_code == 422


@pytest.mark.parametrize("username, sees", sorted(SEES.items()))
def test_api_scoped_per_role(client_for, org, sales1a, contract, username, sees):
    machine, _filters = items_of(contract)
    order = place_order(sales1a, contract, (machine, 2))
    plan = order.plans.get()
    client = client_for(org[username])
    base = f"/api/v1/contracts/{contract.pk}"
    for url in (f"{base}/orders", f"{base}/stock-outs", f"{base}/fulfilment"):
        assert client.get(url).status_code == (200 if sees else 404), url
    schedule = client.get("/api/v1/delivery-plans").json()["items"]
    assert [r["plan_id"] for r in schedule] == ([plan.pk] if sees else [])
    if sees:
        return
    before = fulfilment_state(contract)
    today = timezone.localdate().isoformat()
    posts = [
        (f"{base}/orders", _order_body(machine, "1")),
        (f"/api/v1/orders/{order.pk}/cancel", {}),
        (f"/api/v1/delivery-plans/{plan.pk}/deliveries", {"quantity": "1", "delivered_on": today}),
        (f"{base}/stock-outs", {"contract_item_id": machine.pk, "quantity": "1", "out_on": today}),
    ]
    for url, body in posts:
        assert _post(client, url, body).status_code == 404, url
    assert fulfilment_state(contract) == before
    assert not StockOut.objects.exists()


def test_unauthenticated_is_401(client, contract):
    assert client.get(f"/api/v1/contracts/{contract.pk}/orders").status_code == 401

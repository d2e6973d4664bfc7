"""/api/v1 products, price lists and quotes (ORD-1) with an API token: catalogue writes need
sales.catalog (403, nothing written), bad input 422 per field with nothing written, quotes
scoped per role like contracts (404, nothing written)."""

from decimal import Decimal

import pytest
from django.test import Client

from guanxi.core.models import AuditLog
from guanxi.sales.models import Contract, PriceList, PriceListItem, Quote
from tests.sales.factories import make_quote
from tests.sales.support import SEES, api, catalog_state, quote_state, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(sales1a, make_customer):
    return make_customer(sales1a, name="华东贸易")


# ---------------------------------------------------------------- products and price lists


def test_products_and_price_lists(admin_user, sales1a, products):
    admin = api(admin_user)
    created = send(
        admin,
        "post",
        "/api/v1/products",
        {"code": "C-1", "name": "培训", "unit": "次", "list_price": "1500.5", "tax_rate": "0.06"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["list_price"] == "1500.50" and body["tax_rate"] == "0.0600" and body["active"]
    patched = send(admin, "patch", f"/api/v1/products/{body['id']}", {"active": False})
    assert patched.status_code == 200 and patched.json()["active"] is False
    everyone = api(sales1a)
    assert [p["code"] for p in everyone.get("/api/v1/products").json()] == ["A-1", "B-1"]
    nul = everyone.get("/api/v1/products", {"q": "B\x00"})  # NUL: a 500 on PostgreSQL
    assert nul.status_code == 200 and [p["code"] for p in nul.json()] == ["B-1"]
    every = everyone.get("/api/v1/products?include_inactive=true").json()
    assert [p["code"] for p in every] == ["A-1", "B-1", "C-1"]

    price_list = PriceList.objects.create(name="VIP", priority=5)
    PriceListItem.objects.create(price_list=price_list, product=products["a"], price="900")
    lists = everyone.get("/api/v1/price-lists").json()
    assert lists == [
        {
            "id": price_list.pk,
            "name": "VIP",
            "customer_tag": None,
            "priority": 5,
            "valid_from": None,
            "valid_until": None,
            "active": True,
            "items": [{"product_id": products["a"].pk, "price": "900.00"}],
        }
    ]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"list_price": "abc"}, "list_price"),
        ({"list_price": "12.345"}, "list_price"),
        ({"list_price": "-1"}, "list_price"),
        ({"tax_rate": "1.5"}, "tax_rate"),
        ({"tax_rate": "0.123456"}, "tax_rate"),
        ({"code": ""}, "code"),
        ({"code": "a-1"}, "code"),
        ({"active": "maybe"}, "active"),
        ({"price": "1"}, "price"),
    ],
)
def test_product_bad_input_is_422_and_writes_nothing(admin_user, products, body, field):
    admin = api(admin_user)
    before = catalog_state()
    base = {"code": "N-1", "name": "新品", "unit": "件", "list_price": "10"}
    if field != "active":
        response = send(admin, "post", "/api/v1/products", {**base, **body})
        assert response.status_code == 422, response.content
        assert field in response.json()["errors"], response.json()
    if field not in ("code",):
        patched = send(admin, "patch", f"/api/v1/products/{products['b'].pk}", body)
        assert patched.status_code == 422, patched.content
        assert field in patched.json()["errors"]
    assert catalog_state() == before


@pytest.mark.parametrize("username", ["sales1a", "manager", "relations", "agent", "marketing"])
def test_product_writes_need_the_permission(org, products, username):
    client = api(org[username])
    before = catalog_state()
    body = {"code": "X-1", "name": "x", "unit": "件", "list_price": "1"}
    assert send(client, "post", "/api/v1/products", body).status_code == 403
    assert send(client, "patch", f"/api/v1/products/{products['a'].pk}", body).status_code == 403
    assert catalog_state() == before


# ---------------------------------------------------------------- quotes


def test_quote_lifecycle(sales1a, customer, products):
    client = api(sales1a)
    created = send(
        client,
        "post",
        "/api/v1/quotes",
        {
            "customer_id": customer.pk,
            "notes": "含安装",
            "items": [
                {"product_id": products["a"].pk, "quantity": "2", "discount_rate": "0.1"},
                {"description": "差旅费", "quantity": 1, "unit_price": "300", "tax_rate": "0"},
            ],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["total_amount"] == "2100.00"
    assert [i["unit_price"] for i in body["items"]] == ["1000.00", "300.00"]
    quote_id = body["id"]
    assert client.get(f"/api/v1/quotes/{quote_id}").json()["notes"] == "含安装"
    pdf = client.get(f"/api/v1/quotes/{quote_id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    skip = send(client, "post", f"/api/v1/quotes/{quote_id}/status", {"status": "accepted"})
    assert skip.status_code == 409  # draft → accepted is not a move
    early = send(client, "post", f"/api/v1/quotes/{quote_id}/convert")
    assert early.status_code == 409 and not Contract.objects.exists()
    bogus = send(client, "post", f"/api/v1/quotes/{quote_id}/status", {"status": "converted"})
    assert bogus.status_code == 422 and "status" in bogus.json()["errors"]
    for status in ("sent", "accepted"):
        moved = send(client, "post", f"/api/v1/quotes/{quote_id}/status", {"status": status})
        assert moved.status_code == 200 and moved.json()["status"] == status

    converted = send(client, "post", f"/api/v1/quotes/{quote_id}/convert", {"title": "接口转合同"})
    assert converted.status_code == 201, converted.content
    contract = Contract.objects.get()
    assert converted.json() == {
        "id": contract.pk,
        "number": contract.number,
        "status": "draft",
        "total_amount": "2100.00",
    }
    assert contract.quote_id == quote_id and contract.title == "接口转合同"
    assert client.get(f"/api/v1/quotes/{quote_id}").json()["contract_ids"] == [contract.pk]
    again = send(client, "post", f"/api/v1/quotes/{quote_id}/convert")
    assert again.status_code == 409 and Contract.objects.count() == 1


@pytest.mark.parametrize(
    "line, field",
    [
        ({"quantity": "abc"}, "items"),
        ({"quantity": "0"}, "items"),
        ({"quantity": "1.0001"}, "items"),
        ({"unit_price": "abc"}, "items"),
        ({"unit_price": "1.234"}, "items"),
        ({"quantity": "1e400"}, "items"),
        ({"unit_price": "1e400"}, "items"),
        ({"discount_rate": "2"}, "items"),
        ({"product_id": 999999}, "items.0.product"),
        ({"status": "sent"}, "items"),
    ],
)
def test_quote_bad_lines_are_422_and_write_nothing(sales1a, customer, products, line, field):
    client = api(sales1a)
    before = (Quote.objects.count(), AuditLog.objects.count())
    response = send(
        client,
        "post",
        "/api/v1/quotes",
        {"customer_id": customer.pk, "items": [{"description": "x", "quantity": "1", **line}]},
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()
    assert (Quote.objects.count(), AuditLog.objects.count()) == before


def test_quote_list_and_bad_queries(sales1a, customer, products):
    quotes = [make_quote(sales1a, customer, products["a"]) for _ in range(3)]
    client = api(sales1a)
    first = client.get("/api/v1/quotes?limit=2").json()
    assert [q["id"] for q in first["items"]] == [quotes[2].pk, quotes[1].pk]
    second = client.get(f"/api/v1/quotes?limit=2&cursor={first['next_cursor']}").json()
    assert [q["id"] for q in second["items"]] == [quotes[0].pk] and second["next_cursor"] is None
    nul = client.get("/api/v1/quotes", {"q": "华东\x00"})  # NUL: a 500 on PostgreSQL
    assert nul.status_code == 200 and len(nul.json()["items"]) == 3
    for bad in (
        "limit=0",
        "cursor=x",
        "customer_id=abc",
        f"customer_id={'9' * 30}",
        f"cursor={'9' * 20}",
    ):  # the last two were 500s
        assert client.get(f"/api/v1/quotes?{bad}").status_code == 422, bad


@pytest.mark.parametrize("username, sees", sorted(SEES.items()))
def test_quotes_scoped_per_role(org, sales1a, customer, products, username, sees):
    quote = make_quote(sales1a, customer, products["a"])
    client = api(org[username])
    assert [q["id"] for q in client.get("/api/v1/quotes").json()["items"]] == (
        [quote.pk] if sees else []
    )
    for url in (f"/api/v1/quotes/{quote.pk}", f"/api/v1/quotes/{quote.pk}/pdf"):
        assert client.get(url).status_code == (200 if sees else 404), url


@pytest.mark.parametrize("username", sorted(u for u, sees in SEES.items() if not sees))
def test_quote_denied_writes_are_404_and_change_nothing(org, sales1a, customer, products, username):
    sent = make_quote(sales1a, customer, products["a"], status=Quote.Status.SENT)
    accepted = make_quote(sales1a, customer, products["b"], status=Quote.Status.ACCEPTED)
    client = api(org[username])
    for quote in (sent, accepted):
        before = quote_state(quote)
        moved = send(client, "post", f"/api/v1/quotes/{quote.pk}/status", {"status": "rejected"})
        assert moved.status_code == 404
        converted = send(client, "post", f"/api/v1/quotes/{quote.pk}/convert")
        assert converted.status_code == 404
        assert quote_state(quote) == before
    created = send(
        client,
        "post",
        "/api/v1/quotes",
        {"customer_id": customer.pk, "items": [{"product_id": products["a"].pk, "quantity": 1}]},
    )
    assert created.status_code == 404
    assert Quote.objects.count() == 2 and not Contract.objects.exists()
    assert Quote.objects.get(pk=accepted.pk).total_amount == Decimal("1600.00")


def test_unauthenticated_is_401(products):
    assert Client().get("/api/v1/products").status_code == 401
    assert Client().get("/api/v1/quotes").status_code == 401

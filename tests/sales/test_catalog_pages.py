"""Catalogue and quote pages (ORD-1): products and price lists (the sales.catalog permission,
field errors with nothing written), quotes (create with lines, edit a draft, move, print, PDF,
convert to a contract). Quotes are scoped like contracts: per role, a denied read or write is
a 404 and changes nothing."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.core.models import AuditLog
from guanxi.sales.models import Contract, PriceList, Product, Quote, QuoteItem
from tests.sales.factories import make_quote
from tests.sales.support import SEES, catalog_state, quote_state

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _level(response) -> str | None:
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    return levels[-1] if levels else None


@pytest.fixture
def customer(sales1a, make_customer):
    return make_customer(sales1a, name="华东贸易")


# ---------------------------------------------------------------- products


def test_product_list_for_everyone_and_manage_links_for_the_catalog_role(
    client_for, products, sales1a, admin_user
):
    page = client_for(sales1a).get(reverse("sales:product_list"))
    assert page.status_code == 200
    assert "A-1" in page.content.decode() and page.context["can_manage"] is False
    assert reverse("sales:product_create") not in page.content.decode()
    admin_page = client_for(admin_user).get(reverse("sales:product_list"), {"q": "B-"})
    assert [p.code for p in admin_page.context["products"]] == ["B-1"]
    assert admin_page.context["can_manage"] is True
    # a NUL byte in the search was a 500 on PostgreSQL
    nul = client_for(sales1a).get(reverse("sales:product_list"), {"q": "B-\x00"})
    assert nul.status_code == 200 and [p.code for p in nul.context["products"]] == ["B-1"]


def test_product_create_edit_remove(client_for, admin_user, products, sales1a, customer):
    client = client_for(admin_user)
    assert client.get(reverse("sales:product_create")).status_code == 200
    response = client.post(
        reverse("sales:product_create"),
        {
            "code": "C-1",
            "name": "培训",
            "name_en": "Training",
            "unit": "次",
            "list_price": "1500.50",
            "tax_rate": "6",
            "description": "",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("sales:product_list")
    assert _level(response) == "success"
    product = Product.objects.get(code="C-1")
    assert (product.list_price, product.tax_rate) == (Decimal("1500.50"), Decimal("0.0600"))
    assert AuditLog.objects.filter(action="sales.product_create", target_id=str(product.pk))

    edit_url = reverse("sales:product_edit", args=[product.pk])
    assert client.get(edit_url).context["form"].initial["tax_rate"] == Decimal("6")
    response = client.post(
        edit_url,
        {"code": "C-1", "name": "培训课", "unit": "次", "list_price": "1600", "tax_rate": "6"},
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "培训课" and product.list_price == Decimal("1600.00")
    assert product.active is False  # the "active" box was not ticked

    # unused: deleted; used on a quote: only deactivated
    response = client.post(reverse("sales:product_remove", args=[product.pk]))
    assert response.status_code == 302 and not Product.objects.filter(pk=product.pk).exists()
    make_quote(sales1a, customer, products["a"])
    kept = client.post(reverse("sales:product_remove", args=[products["a"].pk]))
    assert _level(kept) == "info"
    assert Product.objects.get(pk=products["a"].pk).active is False


@pytest.mark.parametrize(
    "field, value",
    [
        ("list_price", "abc"),
        ("list_price", "12.345"),
        ("list_price", "-1"),
        ("tax_rate", "100"),
        ("code", ""),
        ("code", "a-1"),  # the same code as A-1, other case
    ],
)
def test_product_form_errors_write_nothing(client_for, admin_user, products, field, value):
    before = catalog_state()
    data = {"code": "N-1", "name": "新品", "unit": "件", "list_price": "10", "tax_rate": "13"}
    data[field] = value
    response = client_for(admin_user).post(reverse("sales:product_create"), data)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert catalog_state() == before
    edit = client_for(admin_user).post(
        reverse("sales:product_edit", args=[products["b"].pk]),
        {**data, "code": "B-1", field: value} if field != "code" else data,
    )
    assert edit.status_code == 422 and field in edit.context["form"].errors
    assert catalog_state() == before


@pytest.mark.parametrize("username", ["sales1a", "manager", "relations", "agent", "marketing"])
def test_catalog_writes_need_the_permission(client_for, org, products, username):
    client = client_for(org[username])
    before = catalog_state()
    product = products["a"]
    price_list = PriceList.objects.create(name="VIP")
    data = {"code": "X-1", "name": "x", "unit": "件", "list_price": "1", "tax_rate": "13"}
    assert client.get(reverse("sales:product_create")).status_code == 403
    assert client.post(reverse("sales:product_create"), data).status_code == 403
    assert client.post(reverse("sales:product_edit", args=[product.pk]), data).status_code == 403
    assert client.post(reverse("sales:product_remove", args=[product.pk])).status_code == 403
    assert client.post(reverse("sales:pricelist_create"), {"name": "Y"}).status_code == 403
    assert (
        client.post(
            reverse("sales:pricelist_edit", args=[price_list.pk]), {"name": "Z", "priority": 1}
        ).status_code
        == 403
    )
    after = catalog_state()
    assert after[0] == before[0] and after[2] == before[2] and after[3] == before[3]
    assert list(PriceList.objects.values_list("name", flat=True)) == ["VIP"]
    # reading the catalogue is for everyone
    assert client.get(reverse("sales:product_list")).status_code == 200
    assert client.get(reverse("sales:pricelist_list")).status_code == 200


# ---------------------------------------------------------------- price lists


def test_price_list_create_and_edit(client_for, admin_user, products):
    client = client_for(admin_user)
    a, b = products["a"], products["b"]
    page = client.get(reverse("sales:pricelist_create"))
    assert page.status_code == 200 and f'name="price_{a.pk}"' in page.content.decode()
    response = client.post(
        reverse("sales:pricelist_create"),
        {"name": "经销商价", "priority": "10", "active": "on", f"price_{a.pk}": "900.00"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:pricelist_list")
    price_list = PriceList.objects.get(name="经销商价")
    assert dict(price_list.items.values_list("product_id", "price")) == {a.pk: Decimal("900.00")}
    listing = client.get(reverse("sales:pricelist_list"))
    assert [p.item_count for p in listing.context["price_lists"]] == [1]

    url = reverse("sales:pricelist_edit", args=[price_list.pk])
    assert client.get(url).context["rows"][0]["price"] == Decimal("900.00")
    client.post(
        url, {"name": "经销商价", "priority": "10", f"price_{b.pk}": "700", f"price_{a.pk}": ""}
    )
    price_list.refresh_from_db()
    assert dict(price_list.items.values_list("product_id", "price")) == {b.pk: Decimal("700.00")}
    assert price_list.active is False


@pytest.mark.parametrize(
    "extra, where",
    [
        ({"price_A": "abc"}, "errors"),
        ({"price_A": "1.234"}, "errors"),
        ({"price_A": "-5"}, "errors"),
        ({"name": ""}, "name"),
        ({"priority": "x"}, "priority"),
        ({"valid_from": "2026-05-01", "valid_until": "2026-04-01"}, "valid_until"),
    ],
)
def test_price_list_errors_write_nothing(client_for, admin_user, products, extra, where):
    a = products["a"]
    data = {"name": "新价目表", "priority": "10", f"price_{a.pk}": "900"}
    for key, value in extra.items():
        data[f"price_{a.pk}" if key == "price_A" else key] = value
    before = catalog_state()
    response = client_for(admin_user).post(reverse("sales:pricelist_create"), data)
    assert response.status_code == 422
    if where == "errors":
        assert response.context["errors"] and response.context["errors"][0].startswith("A-1")
    else:
        assert where in response.context["form"].errors
    assert catalog_state() == before


# ---------------------------------------------------------------- quotes


def test_quote_create_through_the_page(client_for, sales1a, customer, products):
    client = client_for(sales1a)
    url = reverse("sales:quote_create")
    picker = client.get(url, {"q": "华东"})
    assert picker.status_code == 200 and [c.pk for c in picker.context["customers"]] == [
        customer.pk
    ]
    assert client.get(url, {"q": "华东\x00"}).status_code == 200  # NUL: a 500 on PostgreSQL
    form = client.get(url, {"customer": customer.pk})
    assert form.status_code == 200
    assert [o["price"] for o in form.context["options"]] == [Decimal("1000.00"), Decimal("800.00")]
    response = client.post(
        url,
        {
            "customer": customer.pk,
            "contact": "",
            "valid_until": "",
            "notes": "含安装",
            "product": [products["a"].pk, "", ""],
            "description": ["", "差旅费", ""],
            "unit": ["", "次", ""],
            "quantity": ["2", "1", ""],
            "unit_price": ["", "300", ""],
            "discount": ["10", "", ""],
            "tax": ["", "0", ""],
        },
    )
    quote = Quote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:quote_detail", args=[quote.pk])
    assert quote.status == Quote.Status.DRAFT and quote.notes == "含安装"
    lines = list(quote.items.order_by("position"))
    assert [(i.description, i.unit_price, i.discount_rate) for i in lines] == [
        ("标准版", Decimal("1000.00"), Decimal("0.1000")),
        ("差旅费", Decimal("300.00"), Decimal("0")),
    ]
    assert quote.total_amount == Decimal("2100.00")
    row = client.get(reverse("sales:quote_line_row"), {"customer": customer.pk}, **HTMX)
    assert row.status_code == 200 and b"<html" not in row.content


@pytest.mark.parametrize(
    "column, value",
    [
        ("unit_price", "abc"),
        ("unit_price", "9.999"),
        ("unit_price", "1e400"),  # was a 500 (InvalidOperation when rounding)
        ("product", "²"),  # was a 500 (str.isdigit() accepts it, int() does not)
        ("product", "9" * 30),  # was a 500 (too large for SQLite)
        ("quantity", "0"),
        ("quantity", "x"),
        ("discount", "120"),
        ("product", "999999"),
    ],
)
def test_quote_line_errors_write_nothing(client_for, sales1a, customer, products, column, value):
    data = {
        "customer": customer.pk,
        "product": [products["a"].pk],
        "description": [""],
        "unit": [""],
        "quantity": ["1"],
        "unit_price": [""],
        "discount": [""],
        "tax": [""],
    }
    data[column] = [value]
    before = (Quote.objects.count(), QuoteItem.objects.count(), AuditLog.objects.count())
    response = client_for(sales1a).post(reverse("sales:quote_create"), data)
    assert response.status_code == 422
    assert response.context["errors"]  # "Line 1: …"
    assert response.context["lines"][0][column if column != "product" else "product"] == value
    assert (Quote.objects.count(), QuoteItem.objects.count(), AuditLog.objects.count()) == before


def test_quote_without_lines_or_with_a_bad_date(client_for, sales1a, customer):
    url = reverse("sales:quote_create")
    empty = client_for(sales1a).post(url, {"customer": customer.pk})
    assert empty.status_code == 422 and empty.context["errors"]
    odd_contact = client_for(sales1a).post(  # 30 digits were a 500
        url,
        {
            "customer": customer.pk,
            "contact": "9" * 30,
            "description": ["x"],
            "quantity": ["1"],
            "unit_price": ["1"],
        },
    )
    assert odd_contact.status_code == 422 and "contact" in odd_contact.context["form"].errors
    bad_date = client_for(sales1a).post(
        url,
        {
            "customer": customer.pk,
            "valid_until": "2026-02-30",
            "description": ["x"],
            "quantity": ["1"],
            "unit_price": ["1"],
        },
    )
    assert bad_date.status_code == 422 and "valid_until" in bad_date.context["form"].errors
    assert not Quote.objects.exists()


def test_quote_edit_moves_print_pdf_and_convert(client_for, sales1a, customer, products):
    quote = make_quote(sales1a, customer, products["a"])
    client = client_for(sales1a)
    edit_url = reverse("sales:quote_edit", args=[quote.pk])
    assert client.get(edit_url).context["lines"][0]["quantity"] == "2"
    response = client.post(
        edit_url,
        {
            "notes": "改过",
            "product": [products["b"].pk],
            "description": [""],
            "unit": [""],
            "quantity": ["3"],
            "unit_price": [""],
            "discount": [""],
            "tax": [""],
        },
    )
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.notes == "改过" and quote.total_amount == Decimal("2400.00")

    status_url = reverse("sales:quote_status", args=[quote.pk])
    assert _level(client.post(status_url, {"status": "sent"})) == "success"
    # a sent quote is not edited
    assert client.post(edit_url, {"notes": "再改"}).status_code == 302
    assert Quote.objects.get(pk=quote.pk).notes == "改过"
    convert_url = reverse("sales:quote_convert", args=[quote.pk])
    refused = client.post(convert_url)  # not accepted yet
    assert refused.status_code == 302 and _level(refused) == "error"
    assert not Contract.objects.exists()
    bogus = client.post(status_url, {"status": "converted"})
    assert _level(bogus) == "error"
    assert _level(client.post(status_url, {"status": "accepted"})) == "success"

    detail = client.get(reverse("sales:quote_detail", args=[quote.pk]))
    assert detail.status_code == 200 and detail.context["can_convert"] is True
    printed = client.get(reverse("sales:quote_print", args=[quote.pk]))
    assert printed.status_code == 200 and quote.number in printed.content.decode()
    pdf = client.get(reverse("sales:quote_pdf", args=[quote.pk]), {"download": "1"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment")

    converted = client.post(convert_url, {"title": "由报价生成"})
    contract = Contract.objects.get()
    assert converted.status_code == 302
    assert converted["Location"] == reverse("sales:contract_detail", args=[contract.pk])
    assert contract.title == "由报价生成" and contract.quote_id == quote.pk
    assert contract.status == Contract.Status.DRAFT and contract.total_amount == Decimal("2400.00")
    assert Quote.objects.get(pk=quote.pk).status == Quote.Status.CONVERTED
    again = client.post(convert_url)
    assert _level(again) == "error" and Contract.objects.count() == 1


def test_quote_list_filters_and_pages(client_for, sales1a, customer, products, monkeypatch):
    quotes = [make_quote(sales1a, customer, products["a"]) for _ in range(3)]
    sent = make_quote(sales1a, customer, products["b"], status=Quote.Status.SENT)
    client = client_for(sales1a)
    url = reverse("sales:quote_list")
    listing = client.get(url)
    assert [q.pk for q in listing.context["page"].items] == [
        sent.pk,
        *reversed([q.pk for q in quotes]),
    ]
    assert [q.pk for q in client.get(url, {"status": "sent"}).context["page"].items] == [sent.pk]
    fragment = client.get(url, {"q": "华东"}, HTTP_HX_TARGET="quote-results", **HTMX)
    assert fragment.status_code == 200 and b"<html" not in fragment.content
    from guanxi.sales.catalog import selectors as selectors_catalog

    original = selectors_catalog.quote_list_for_user
    monkeypatch.setattr(
        selectors_catalog,
        "quote_list_for_user",
        lambda **kw: original(**{**kw, "limit": 3}),
    )
    first = client.get(url)
    assert first.context["page"].next_cursor == str(quotes[1].pk)
    second = client.get(url, {"cursor": first.context["page"].next_cursor})
    assert [q.pk for q in second.context["page"].items] == [quotes[0].pk]
    for cursor in ("zz", "²", "9" * 30):  # a bad cursor: the first page (² and 30 digits: 500s)
        assert client.get(url, {"cursor": cursor}).context["page"].items, cursor
    for customer_id in ("²", "9" * 30):  # were 500s
        odd = client.get(url, {"customer": customer_id})
        assert odd.status_code == 200 and len(odd.context["page"].items) == 3


# ---------------------------------------------------------------- quote scope per role


@pytest.mark.parametrize("username, sees", sorted(SEES.items()))
def test_quote_pages_scoped_per_role(client_for, org, sales1a, customer, products, username, sees):
    quote = make_quote(sales1a, customer, products["a"])
    client = client_for(org[username])
    listed = [q.pk for q in client.get(reverse("sales:quote_list")).context["page"].items]
    assert listed == ([quote.pk] if sees else [])
    for name in ("quote_detail", "quote_print", "quote_pdf", "quote_edit"):
        response = client.get(reverse(f"sales:{name}", args=[quote.pk]))
        assert response.status_code == (200 if sees else 404), name


@pytest.mark.parametrize("username", sorted(u for u, sees in SEES.items() if not sees))
def test_quote_denied_writes_change_nothing(client_for, org, sales1a, customer, products, username):
    draft = make_quote(sales1a, customer, products["a"])
    accepted = make_quote(sales1a, customer, products["b"], status=Quote.Status.ACCEPTED)
    client = client_for(org[username])
    for quote in (draft, accepted):
        before = quote_state(quote)
        posts = [
            (
                "quote_edit",
                {"notes": "越权", "description": ["x"], "quantity": ["1"], "unit_price": ["1"]},
            ),
            ("quote_status", {"status": "sent"}),
            ("quote_convert", {"title": "越权"}),
        ]
        for name, data in posts:
            assert client.post(reverse(f"sales:{name}", args=[quote.pk]), data).status_code == 404
        assert quote_state(quote) == before
    # nor can they quote for the customer
    response = client.post(
        reverse("sales:quote_create"),
        {"customer": customer.pk, "description": ["x"], "quantity": ["1"], "unit_price": ["1"]},
    )
    assert response.status_code == 404
    assert Quote.objects.count() == 2


def test_anonymous_is_sent_to_login(client):
    for name in ("product_list", "pricelist_list", "quote_list", "quote_create"):
        response = client.get(reverse(f"sales:{name}"))
        assert response.status_code == 302 and "login" in response["Location"], name


def test_quote_list_query_count_does_not_grow(
    client_for, manager, sales1a, sales2a, products, make_customer, django_assert_max_num_queries
):
    client = client_for(manager)
    url = reverse("sales:quote_list")

    def add(n):
        for i in range(n):
            owner = (sales1a, sales2a)[i % 2]
            make_quote(
                owner, make_customer(owner, name=f"客户{Quote.objects.count()}"), products["a"]
            )

    add(3)
    client.get(url)  # warm the session and user caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    few = len(small)  # now: the log is reset by the next request
    add(17)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(response.context["page"].items) == 20


def test_quote_page_offers_its_moves_only_to_who_may_change_it(
    client_for, sales1a, manager, relations, customer, products
):
    """Issue 11 §1: customer relations sees the quote but may not change it (sales.edit_others),
    so its page offers no buttons that would answer 404."""
    quote = make_quote(sales1a, customer, products["a"])
    detail = reverse("sales:quote_detail", args=[quote.pk])
    status_url = reverse("sales:quote_status", args=[quote.pk])
    edit_url = reverse("sales:quote_edit", args=[quote.pk])
    for user in (sales1a, manager):
        html = client_for(user).get(detail).content.decode()
        assert status_url in html and edit_url in html
    html = client_for(relations).get(detail).content.decode()
    assert status_url not in html and edit_url not in html

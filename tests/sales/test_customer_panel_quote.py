"""The customer 360 page starts a quote for that customer (issue 12 §3, ORD-1)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_new_quote_from_the_customer_page_preselects_the_customer(
    client_for, sales1a, make_customer
):
    customer = make_customer(sales1a, name="报价客户")
    client = client_for(sales1a)
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    panel_url = reverse("sales:customer_contracts_panel", args=[customer.pk])
    assert f'id="gx-contracts-panel" hx-get="{panel_url}" hx-trigger="revealed"' in page
    panel = client.get(panel_url, headers={"HX-Request": "true"}).content.decode()
    link = f"{reverse('sales:quote_create')}?customer={customer.pk}"
    assert f'href="{link}"' in panel
    form = client.get(link)
    assert form.status_code == 200
    assert "报价客户" in form.content.decode()
    assert "sales/catalog/quote_form.html" in [t.name for t in form.templates]


@pytest.mark.parametrize("who", ["sales1a", "manager", "admin_user", "sales1b", "sales2a"])
def test_the_contracts_panel_loads_after_the_page_in_the_users_scope(
    who, request, client_for, sales1a, make_customer
):
    """Issue 13: the contracts panel is a placeholder on the 360 page, loaded by htmx from a
    view that reads the customer through the scope (a 404 outside it)."""
    from tests.sales.factories import make_contract

    customer = make_customer(sales1a, name="合同客户")
    contract = make_contract(sales1a, customer)
    client = client_for(request.getfixturevalue(who))
    url = reverse("sales:customer_contracts_panel", args=[customer.pk])
    fragment = client.get(url, headers={"HX-Request": "true"})
    page = client.get(url)
    if who in ("sales1b", "sales2a"):
        assert (fragment.status_code, page.status_code) == (404, 404)
        return
    html = fragment.content.decode()
    assert html.startswith('<div class="card" id="gx-contracts-panel">') and "<html" not in html
    assert contract.number in html and reverse("sales:contract_detail", args=[contract.pk]) in html
    whole = page.content.decode()
    assert "<html" in whole and contract.number in whole


def test_an_empty_contracts_panel_goes_away(client_for, agent, sales1a, make_customer):
    """A user who sees the customer, no contract of it and may not start one gets nothing:
    the placeholder is swapped for nothing."""
    customer = make_customer(sales1a, name="无合同客户")
    url = reverse("sales:customer_contracts_panel", args=[customer.pk])
    response = client_for(agent).get(url, headers={"HX-Request": "true"})
    assert (response.status_code, response.content) == (200, b"")

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
    link = f"{reverse('sales:quote_create')}?customer={customer.pk}"
    assert f'href="{link}"' in page
    form = client.get(link)
    assert form.status_code == 200
    assert "报价客户" in form.content.decode()
    assert "sales/catalog/quote_form.html" in [t.name for t in form.templates]

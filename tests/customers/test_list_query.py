"""The shape of the list's page query: the page's rows are chosen in a subquery (by the filters,
the scope and the keyset) and only those rows are joined to owner, department and source."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.accounts.models import User
from guanxi.customers.archive.selectors import CustomerFilters, customer_list_for_user

pytestmark = pytest.mark.django_db


def _page_sql(user, filters, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        page = customer_list_for_user(user=user, filters=filters, count=False, **kwargs)
    sql = next(
        q["sql"] for q in queries.captured_queries if 'FROM "customers_customer"' in q["sql"]
    )
    return page, sql


@pytest.mark.parametrize("q", ["", "王秀", "wxy", "0013"])
def test_rows_are_chosen_before_the_joins(q, make_customer, sales1a, manager):
    for i in range(30):
        make_customer(sales1a, name=f"王秀{i}", mobile=f"1380013{i:04d}")
    user = User.objects.get(pk=manager.pk)
    page, sql = _page_sql(user, CustomerFilters(q=q))
    outer, inner = sql.split(" IN (SELECT ", 1)
    assert 'JOIN "accounts_user"' in outer and 'JOIN "accounts_user"' not in inner
    assert "LIMIT 26" in inner
    if q in ("", "王秀", "0013"):
        assert len(page.items) == 25 and page.next_cursor
        assert [c.pk for c in page.items] == sorted((c.pk for c in page.items), reverse=True)
        assert str(page.items[0].owner) == str(sales1a)
        following, _sql = _page_sql(user, CustomerFilters(q=q), cursor=page.next_cursor)
        assert len(following.items) == 5
        assert max(c.pk for c in following.items) < min(c.pk for c in page.items)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index is PostgreSQL's")
def test_bigram_condition_names_the_subquerys_own_table(make_customer, sales1a, manager):
    """The bigram test once was raw SQL naming "customers_customer"; inside the page's subquery
    that meant the outer query's row, a correlated subquery run for every customer."""
    make_customer(sales1a, name="王秀英")
    make_customer(sales1a, name="李王秀")
    make_customer(sales1a, name="王小秀")
    user = User.objects.get(pk=manager.pk)
    page, sql = _page_sql(user, CustomerFilters(q="王秀"))
    inner = sql.split(" IN (SELECT ", 1)[1]
    assert "gx_bigrams(" in inner
    assert 'gx_bigrams("customers_customer"."name")' not in inner
    assert sorted(c.name for c in page.items) == ["李王秀", "王秀英"]


@pytest.mark.parametrize("who", ["sales1a", "sales2a", "manager", "admin_user"])
@pytest.mark.parametrize("sort", ["-id", "name", "-updated"])
def test_the_list_pages_rows_are_the_apis_rows(who, sort, request, make_customer, sales1a, sales2a):
    """The list page reads fewer columns (customer_list_rows_for_user) but the same customers,
    page after page, in every role's scope (issue 13); its tags are the customer's, by name."""
    from guanxi.customers.archive.selectors import customer_list_rows_for_user
    from guanxi.customers.models import CustomerTag, Tag

    for i in range(14):
        make_customer(sales1a if i % 2 else sales2a, name=f"客户{i:02d}", mobile=f"1390013{i:04d}")
    tags = [Tag.objects.create(name=n) for n in ("乙", "甲")]
    first = make_customer(sales1a, name="有标签")
    CustomerTag.objects.bulk_create([CustomerTag(customer=first, tag=t) for t in tags])
    user = User.objects.get(pk=request.getfixturevalue(who).pk)
    filters = CustomerFilters(sort=sort)
    cursor, pages = "", 0
    while True:
        whole = customer_list_for_user(user=user, filters=filters, cursor=cursor, page_size=4)
        light = customer_list_rows_for_user(user=user, filters=filters, cursor=cursor, page_size=4)
        assert [r.customer.pk for r in light.items] == [c.pk for c in whole.items]
        assert (light.next_cursor, light.total) == (whole.next_cursor, whole.total)
        for row, customer in zip(light.items, whole.items, strict=True):
            assert [t.name for t in row.tags] == [t.name for t in customer.tags.all()]
            assert str(row.customer.owner) == str(customer.owner)
        pages += 1
        if not whole.next_cursor:
            break
        cursor = whole.next_cursor
    assert pages > 1

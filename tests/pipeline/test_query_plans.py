"""SQLite plans of two hot reads that its statistics once sent to full scans (issue 13): the
360 page's "referred customers" and the work list's tracked rows. The data imitates the bench
(most prospects without referrer, few tracked) and the statistics are gathered, as the bulk
seed and a real database have them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.accounts.models import User
from guanxi.customers.models import Customer
from guanxi.pipeline.models import Prospect
from guanxi.pipeline.prospects import selectors as prospect_selectors
from guanxi.pipeline.prospects import services
from guanxi.pipeline.worklist import selectors as worklist_selectors

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner and statistics"),
]


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return " | ".join(row[-1] for row in cursor.fetchall())


def _sql_of(call) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return result, [q["sql"] for q in queries.captured_queries]


@pytest.fixture
def many_prospects(make_customer, sales1a):
    customers = [make_customer(sales1a, name=f"客户{i}") for i in range(40)]
    referrer = customers[0]
    Prospect.objects.filter(pk__in=[c.pk for c in customers[1:3]]).update(referrer=referrer)
    for customer in customers[3:6]:
        services.tracking_add(actor=sales1a, customer=customer)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return customers


def test_referrals_read_the_partial_referrer_index(many_prospects, sales1a):
    user = User.objects.get(pk=sales1a.pk)
    referred, queries = _sql_of(
        lambda: prospect_selectors.referrals_of(user=user, customer=many_prospects[0])
    )
    assert [c.pk for c in referred] == [many_prospects[2].pk, many_prospects[1].pk]
    plan = _plan(next(sql for sql in queries if "referrer_id" in sql))
    assert "prospect_referrer_idx" in plan and "SCAN pipeline_prospect" not in plan


def test_tracked_rows_read_the_owners_range(many_prospects, sales1a):
    user = User.objects.get(pk=sales1a.pk)
    rows, queries = _sql_of(lambda: worklist_selectors.tracked_rows(user=user))
    assert sorted(p.customer_id for p in rows) == sorted(c.pk for c in many_prospects[3:6])
    plan = _plan(next(sql for sql in queries if "pipeline_prospect" in sql))
    assert "SCAN pipeline_prospect" not in plan and "prospect_worklist" in plan
    assert Customer.objects.count() >= 40

"""Partial-phone search from an index (issue 13): the same customers as `LIKE '%digits%'`,
after creates, edits, bulk updates, soft and hard deletes; on SQLite from the FTS5 trigram
table kept by triggers (customers.phone_index), on PostgreSQL from the trigram GIN indexes."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from guanxi.accounts.models import User
from guanxi.customers import phone_index
from guanxi.customers.apps import _phone_index_after_migrate
from guanxi.customers.archive.selectors import CustomerFilters, customer_list_for_user
from guanxi.customers.archive.services import customer_delete, customer_purge, customer_update
from guanxi.customers.archive.validation import CustomerInput
from guanxi.customers.models import Customer

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")


def _found(user, q) -> set[str]:
    page = customer_list_for_user(user=User.objects.get(pk=user.pk), filters=CustomerFilters(q=q))
    return {c.name for c in page.items}


def _like(digits) -> set[str]:
    """What the search means, as the plain LIKE finds it."""
    condition = Q(mobile__contains=digits)
    if len(digits) >= 7:
        condition |= Q(office_phone__endswith=digits) | Q(home_phone__endswith=digits)
    return set(
        Customer.objects.filter(condition, deleted_at__isnull=True).values_list("name", flat=True)
    )


@pytest.fixture
def phones(make_customer, sales1a):
    return {
        "甲": make_customer(sales1a, name="甲", mobile="13800138000"),
        "乙": make_customer(sales1a, name="乙", mobile="13900139000"),
        "丙": make_customer(sales1a, name="丙", mobile="13700137000", office_phone="010 6512 3456"),
        "丁": make_customer(sales1a, name="丁", mobile="15012340013", home_phone="021-5555 1234"),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("0013", {"甲", "乙", "丙", "丁"}),  # 138 0013 8000, 139 0013 9000, 137 0013 7000, …0013
        ("00138", {"甲"}),
        ("1234", {"丁"}),  # inside the mobile; the home phone's ending needs seven digits
        ("65123456", {"丙"}),  # the office phone's ending
        ("55551234", {"丁"}),
        ("138 0013 8000", {"甲"}),  # a whole number in any notation
        ("+86 139-0013-9000", {"乙"}),
        ("4321", set()),
    ],
)
def test_partial_phones_are_found_as_like_finds_them(phones, sales1a, q, expected):
    assert _found(sales1a, q) == expected
    digits = q.replace(" ", "").replace("-", "").removeprefix("+86")
    assert _like(digits) == expected


def test_edited_deleted_and_purged_phones(phones, sales1a, admin_user):
    customer_update(
        actor=sales1a,
        customer=phones["甲"],
        data=CustomerInput(mobile="18612345678"),
        expected_version=None,
    )
    assert _found(sales1a, "00138") == set()
    assert _found(sales1a, "8612345") == {"甲"}
    # written without the services (a bulk update, as the nightly jobs and imports do)
    Customer.objects.filter(pk=phones["乙"].pk).update(mobile="+8613312121212")
    assert _found(sales1a, "0013") == {"丙", "丁"}
    assert _found(sales1a, "1212") == {"乙"}
    customer_delete(actor=admin_user, customer=phones["丙"])
    assert _found(sales1a, "0013") == {"丁"}
    customer_purge(actor=admin_user, customer=Customer.objects.get(pk=phones["丙"].pk))
    assert _found(admin_user, "6512345") == set()
    Customer.objects.filter(pk=phones["丁"].pk).delete()
    assert _found(sales1a, "0013") == set()
    for digits in ("0013", "1212", "8612345", "6512345"):
        assert _found(admin_user, digits) == _like(digits)


@sqlite_only
def test_sqlite_search_reads_the_index_and_the_index_follows_the_table(phones, sales1a):
    with CaptureQueriesContext(connection) as queries:
        _found(sales1a, "0013")
    page_sql = next(q["sql"] for q in queries.captured_queries if "customers_customer" in q["sql"])
    assert "customers_phone_fts" in page_sql
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {page_sql}")
        plan = " | ".join(row[-1] for row in cursor.fetchall())
    assert "VIRTUAL TABLE" in plan and "SCAN customers_customer" not in plan
    # the index holds exactly the table's phones: FTS5's own check
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO customers_phone_fts(customers_phone_fts) VALUES ('integrity-check')"
        )


@sqlite_only
def test_missing_triggers_are_put_back_after_migrate(phones, sales1a, make_customer):
    """Django rebuilds a SQLite table to alter it, which drops its triggers."""
    with connection.cursor() as cursor:
        for name in phone_index.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    make_customer(sales1a, name="戊", mobile="13600136000")  # not indexed: no trigger
    assert _found(sales1a, "00136") == set()
    _phone_index_after_migrate(sender=None, using="default")
    assert _found(sales1a, "00136") == {"戊"}
    assert phone_index.ensure(connection) is False  # all there now
    Customer.objects.filter(name="戊").update(mobile="+8613500135000")
    assert _found(sales1a, "00135") == {"戊"} and _found(sales1a, "00136") == set()


def test_short_fragments_are_not_phone_searches(phones, sales1a):
    with pytest.raises(ValueError):
        phone_index.ids_with_phone("13", columns=("mobile",))
    with pytest.raises(ValueError):
        phone_index.ids_with_phone('1" OR "', columns=("mobile",))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram indexes")
def test_postgres_has_trigram_indexes_on_every_phone():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'customers_customer' "
            "AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {"cust_mobile_trgm", "cust_office_phone_trgm", "cust_home_phone_trgm"} <= names


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram indexes")
def test_postgres_answers_a_long_fragment_from_the_indexes(phones):
    """Seven digits or more also look at the endings of office and home phones: with their
    trigram indexes every arm of the OR is indexable (a BitmapOr), where the office and home
    tests alone scanned the table (1.3 s at 1,000,000 customers)."""
    from guanxi.customers.archive.selectors import search_condition

    # the phone condition alone (the scope's own indexes would win on a small table)
    queryset = Customer.objects.filter(search_condition(text="65123456")).order_by().values("pk")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in ("cust_mobile_trgm", "cust_office_phone_trgm", "cust_home_phone_trgm"):
        assert index in plan, plan
    assert {row["pk"] for row in queryset} == {phones["丙"].pk}

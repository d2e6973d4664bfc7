"""Name search from an index (issue 13): the same customers as the prefix test and
`LIKE '%text%'` find, for one, two and more characters, Chinese, Latin and mixed, after
renames, merges and deletes; on SQLite from the bigram table kept by triggers
(customers.name_index), on PostgreSQL from the bigram GIN index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.accounts.models import User
from guanxi.customers import name_index
from guanxi.customers.apps import _phone_index_after_migrate
from guanxi.customers.archive.selectors import CustomerFilters, customer_list_for_user
from guanxi.customers.archive.services import (
    customer_delete,
    customer_merge,
    customer_purge,
    customer_update,
)
from guanxi.customers.archive.validation import CustomerInput
from guanxi.customers.models import Customer

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's bigram table")

NAMES = [
    "王秀英",
    "王秀",
    "李王秀兰",
    "王小秀",
    "秀王",
    "张三",
    "王",
    "Wang秀英",
    "ANNA王秀",
    "安娜 Li",
]


def _found(user, q) -> set[str]:
    page = customer_list_for_user(user=User.objects.get(pk=user.pk), filters=CustomerFilters(q=q))
    return {c.name for c in page.items}


def _meant(q) -> set[str]:
    """What the search means, computed in Python from every live name: starts with the text;
    from two characters on, contains it — on SQLite with ASCII letters in any case, as its
    LIKE compares them."""
    names = Customer.objects.filter(deleted_at__isnull=True).values_list("name", flat=True)
    if len(q) < 2:
        return {name for name in names if name.startswith(q)}
    if connection.vendor != "sqlite":
        return {name for name in names if q in name}
    low = name_index.ascii_lower(q)
    return {name for name in names if low in name_index.ascii_lower(name)}


def _bigram_rows() -> set[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT bigram, customer_id FROM {name_index.TABLE}")  # noqa: S608
        return set(cursor.fetchall())


def _bigrams_of_the_table() -> set[tuple[str, int]]:
    rows = set()
    for pk, name in Customer.objects.values_list("pk", "name"):
        low = name_index.ascii_lower(name)
        rows |= {(low[i : i + 2], pk) for i in range(len(low) - 1)}
    return rows


@pytest.fixture
def people(make_customer, sales1a):
    return {name: make_customer(sales1a, name=name) for name in NAMES}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("王", {"王秀英", "王秀", "王小秀", "王"}),  # one character: the names starting with it
        ("秀", {"秀王"}),
        ("王秀", {"王秀英", "王秀", "李王秀兰", "ANNA王秀"}),
        ("秀英", {"王秀英", "Wang秀英"}),
        ("王秀英", {"王秀英"}),
        ("李王秀兰", {"李王秀兰"}),
        ("g秀", {"Wang秀英"}),  # mixed Chinese and Latin
        ("A王", {"ANNA王秀"}),
        ("娜 L", {"安娜 Li"}),
        ("秀王秀", set()),  # every bigram present (秀王, 王秀), but not in one name
        ("三张", set()),
    ],
)
def test_names_are_found_as_the_prefix_and_like_find_them(people, sales1a, q, expected):
    assert _found(sales1a, q) == expected
    assert _meant(q) == expected


def test_renamed_merged_deleted_and_purged_names(people, sales1a, admin_user):
    customer_update(
        actor=sales1a,
        customer=people["王秀"],
        data=CustomerInput(name="赵秀"),
        expected_version=None,
    )
    assert _found(sales1a, "王秀") == {"王秀英", "李王秀兰", "ANNA王秀"}
    assert _found(sales1a, "赵秀") == {"赵秀"}
    # written without the services (a bulk update, as imports do)
    Customer.objects.filter(pk=people["张三"].pk).update(name="张王秀")
    assert _found(sales1a, "王秀") == {"王秀英", "李王秀兰", "ANNA王秀", "张王秀"}
    customer_merge(actor=admin_user, primary=people["王秀英"], duplicate=people["李王秀兰"])
    assert _found(sales1a, "王秀") == {"王秀英", "ANNA王秀", "张王秀"}
    customer_delete(actor=admin_user, customer=people["ANNA王秀"])
    assert _found(sales1a, "王秀") == {"王秀英", "张王秀"}
    customer_purge(actor=admin_user, customer=Customer.objects.get(pk=people["ANNA王秀"].pk))
    Customer.objects.filter(pk=people["秀王"].pk).delete()
    for q in ("王秀", "秀王", "王", "赵秀", "g秀", "秀英", "NA王"):
        assert _found(admin_user, q) == _meant(q), q
    if connection.vendor == "sqlite":
        assert _bigram_rows() == _bigrams_of_the_table()


@sqlite_only
def test_sqlite_finds_latin_letters_in_any_case_as_its_like(people, sales1a):
    assert _found(sales1a, "NG秀英") == _meant("NG秀英") == {"Wang秀英"}
    assert _found(sales1a, "a王") == {"ANNA王秀"}


@sqlite_only
def test_sqlite_search_reads_the_bigram_index(people, sales1a):
    assert _bigram_rows() == _bigrams_of_the_table()
    for q in ("王秀", "王秀英"):
        with CaptureQueriesContext(connection) as queries:
            _found(sales1a, q)
        page_sql = next(
            q["sql"] for q in queries.captured_queries if "customers_customer" in q["sql"]
        )
        assert name_index.TABLE in page_sql
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {page_sql}")
            plan = " | ".join(row[-1] for row in cursor.fetchall())
        assert f"SEARCH {name_index.TABLE} USING PRIMARY KEY" in plan, plan


@sqlite_only
def test_missing_name_triggers_are_put_back_after_migrate(people, sales1a, make_customer):
    with connection.cursor() as cursor:
        for name in name_index.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    make_customer(sales1a, name="钱王秀")  # not indexed: no trigger
    assert "钱王秀" not in _found(sales1a, "王秀")
    _phone_index_after_migrate(sender=None, using="default")
    assert "钱王秀" in _found(sales1a, "王秀")
    assert name_index.ensure(connection) is False  # all there now
    assert _bigram_rows() == _bigrams_of_the_table()


def test_a_one_character_text_is_not_a_bigram_search():
    with pytest.raises(ValueError):
        name_index.ids_with_name("王")

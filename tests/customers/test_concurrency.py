"""Races (ARC-5, ARC-4): two creates with one mobile end with exactly one customer; two edits
from the same version end with one saved and one conflict — never a silent overwrite.

These use real transactions and threads, each thread on its own database connection.
"""

import sqlite3
import threading

import pytest
from django.db import connection

from guanxi.accounts.models import User
from guanxi.core.errors import Conflict
from guanxi.customers import dedup
from guanxi.customers.archive.services import customer_create, customer_update
from guanxi.customers.archive.validation import CustomerInput
from guanxi.customers.errors import CustomerDuplicate
from guanxi.customers.models import Customer, DedupKey

# serialized_rollback restores the shipped roles, sources and rules the flush removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

JOIN_SECONDS = 30


def run_together(*calls):
    """Start each call in its own thread at the same moment; return [(ok, value-or-exc)]."""
    barrier = threading.Barrier(len(calls), timeout=JOIN_SECONDS)
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = (True, call())
        except BaseException as exc:
            results[index] = (False, exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(i, call), daemon=True) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_SECONDS)
    assert not any(t.is_alive() for t in threads), "a concurrent call hung"
    return results


@pytest.fixture(autouse=True)
def file_database(org, tmp_path):
    """On SQLite, run the race against a database file, as a real site does.

    pytest-django's SQLite test database lives in memory with a shared cache, where two
    writers fail at once with "table is locked" instead of waiting (busy_timeout). The
    in-memory database is copied to a file for the test and put back afterwards.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    memory = connection.connection
    path = tmp_path / "race.sqlite3"
    target = sqlite3.connect(path)
    memory.backup(target)
    target.close()
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = str(path)  # shared with every thread's connection
    connection.connection = None  # `memory` stays open, so the in-memory database lives on
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = old_name
        connection.connection = memory


def _fresh(user):
    return User.objects.get(pk=user.pk)


def _assert_one_created(results, mobile):
    winners = [value for ok, value in results if ok]
    losers = [value for ok, value in results if not ok]
    assert len(winners) == 1, results
    assert len(losers) == len(results) - 1
    assert all(isinstance(exc, CustomerDuplicate) for exc in losers), losers
    assert Customer.objects.filter(mobile=mobile).count() == 1
    assert Customer.objects.get(mobile=mobile).pk == winners[0].pk
    assert DedupKey.objects.filter(rule="mobile").count() == 1


def test_simultaneous_creates_with_one_mobile(sales1a, sales2a):
    def create(user, name, notation):
        return lambda: customer_create(
            actor=_fresh(user), data=CustomerInput(name=name, mobile=notation)
        )

    results = run_together(
        create(sales1a, "张三", "13800138000"),
        create(sales2a, "张叁", "+86 138 0013 8000"),
    )
    _assert_one_created(results, "+8613800138000")


def test_many_simultaneous_creates(sales1a, sales1b, sales2a, manager):
    users = [sales1a, sales1b, sales2a, manager]
    results = run_together(
        *[
            (
                lambda u=u, i=i: customer_create(
                    actor=_fresh(u), data=CustomerInput(name=f"客户{i}", mobile="13900001111")
                )
            )
            for i, u in enumerate(users)
        ]
    )
    _assert_one_created(results, "+8613900001111")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite takes the write lock at BEGIN (IMMEDIATE): two writers are never inside at once",
)
def test_both_past_the_check_before_either_inserts(sales1a, sales2a, monkeypatch):
    """Force the worst interleaving: both transactions have looked for a duplicate and found
    none before either writes its key. The unique constraint must still refuse the second."""
    inside = threading.Barrier(2, timeout=JOIN_SECONDS)
    seen = threading.local()
    real_find = dedup.find_matches

    def find_then_wait(keys, *, exclude_id=None):
        found = real_find(keys, exclude_id=exclude_id)
        if not getattr(seen, "waited", False):
            seen.waited = True
            inside.wait()
        return found

    monkeypatch.setattr(dedup, "find_matches", find_then_wait)
    results = run_together(
        lambda: customer_create(
            actor=_fresh(sales1a), data=CustomerInput(name="张三", mobile="13800138000")
        ),
        lambda: customer_create(
            actor=_fresh(sales2a), data=CustomerInput(name="李四", mobile="13800138000")
        ),
    )
    _assert_one_created(results, "+8613800138000")
    loser = next(exc for ok, exc in results if not ok)
    assert set(loser.field_errors) == {"mobile"}


def test_two_edits_from_one_version(sales1a, make_customer):
    customer = make_customer(sales1a, name="张三", notes="原始")
    assert customer.version == 1

    def edit(text):
        return lambda: customer_update(
            actor=_fresh(sales1a),
            customer=Customer.objects.get(pk=customer.pk),
            data=CustomerInput(notes=text),
            expected_version=1,
        )

    results = run_together(edit("甲的修改"), edit("乙的修改"))
    winners = [value for ok, value in results if ok]
    losers = [value for ok, value in results if not ok]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], Conflict)
    customer.refresh_from_db()
    assert customer.version == 2
    assert customer.notes == winners[0].notes
    assert customer.notes in ("甲的修改", "乙的修改")
    assert customer.history.count() == 2  # created + one change, not two

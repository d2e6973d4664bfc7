"""Two users claim the same pool customer at the same moment: exactly one owns it
(database-enforced; two real connections on PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from guanxi.accounts.models import User
from guanxi.core.errors import Conflict
from guanxi.customers.models import Customer, OwnerChange
from guanxi.pipeline.models import Claim, PoolEntry
from guanxi.pipeline.pools import pool_claim, pool_create, pool_release

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs row locks across real connections"
    ),
]


def _claim(username, customer, barrier, results):
    """One user's claim on its own connection (each thread has its own), closed at the end."""
    try:
        user = User.objects.get(username=username)
        barrier.wait()
        pool_claim(actor=user, customer=customer)
        results[username] = "won"
    except Conflict:
        results[username] = "lost"
    except Exception as exc:
        results[username] = repr(exc)
    finally:
        connections.close_all()


def test_two_simultaneous_claims_exactly_one_wins(make_customer, sales1a, sales1b, manager):
    pool = pool_create(
        actor=None,
        data={
            "name": "并发公海",
            "member_departments": [sales1a.department],
            "member_users": [manager],
            "departments_recycled": [sales1a.department],
        },
    )
    for round_ in range(5):
        customer = make_customer(sales1a, name=f"抢{round_}")
        pool_release(actor=sales1a, customer=customer, reason=PoolEntry.Reason.OTHER, pool=pool)
        barrier = threading.Barrier(2, timeout=10)
        results: dict[str, object] = {}

        threads = [
            threading.Thread(
                target=_claim, args=(u.username, customer, barrier, results), daemon=True
            )
            for u in (sales1b, manager)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(t.is_alive() for t in threads), "a claim hung"
        assert sorted(results.values()) == ["lost", "won"], results
        winner = next(name for name, result in results.items() if result == "won")
        customer.refresh_from_db()
        assert customer.owner.username == winner
        assert Claim.objects.filter(customer=customer).count() == 1
        assert not PoolEntry.objects.filter(customer=customer).exists()
        assert OwnerChange.objects.filter(customer=customer, to_user__isnull=False).count() == 1
    assert Customer.objects.filter(owner__isnull=True).count() == 0

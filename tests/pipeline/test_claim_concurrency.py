"""Two users claim the same pool customer at the same moment: exactly one owns it
(database-enforced; two real connections on PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client

from guanxi.accounts.models import User
from guanxi.accounts.services import token_create
from guanxi.core.errors import Conflict, ValidationFailed
from guanxi.customers.models import Customer, OwnerChange
from guanxi.pipeline.models import Claim, PoolEntry, Prospect, PublicPool
from guanxi.pipeline.pools import services as pools
from guanxi.pipeline.pools.services import pool_claim, pool_release, prospect_lock
from tests.pipeline.factories import PoolFactory

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
    pool = PoolFactory(name="并发公海", department=sales1a.department, member_users=[manager])
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


def test_the_api_answers_the_loser_of_a_claim_race_409_claimed(
    make_customer, sales1a, sales1b, manager
):
    """Issue 11 §1: the loser got 404 `CustomerNotFound` or 409 `Conflict` depending on the
    step it lost at; docs/api.md promises 409 `claimed`."""
    pool = PoolFactory(name="接口并发公海", department=sales1a.department, member_users=[manager])
    tokens = {u.username: token_create(user=u, name="race")[1] for u in (sales1b, manager)}
    for round_ in range(5):
        customer = make_customer(sales1a, name=f"接口抢{round_}")
        pool_release(actor=sales1a, customer=customer, reason=PoolEntry.Reason.OTHER, pool=pool)
        barrier = threading.Barrier(2, timeout=10)
        answers: dict[str, tuple[int, str]] = {}

        def claim(username, customer=customer, barrier=barrier, answers=answers):
            try:
                client = Client(headers={"Authorization": f"Bearer {tokens[username]}"})
                barrier.wait()
                response = client.post(f"/api/v1/customers/{customer.pk}/claim")
                answers[username] = (response.status_code, response.json().get("code", ""))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=claim, args=(u,), daemon=True) for u in tokens]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(t.is_alive() for t in threads), "a claim hung"
        assert sorted(answers.values()) == [(200, ""), (409, "claimed")], answers


def _race(action, jobs):
    """Run action(username, customer) for each (username, customer) at the same moment, each on
    its own connection; results[username] = "won", the refusal's code, or the error."""
    barrier = threading.Barrier(len(jobs), timeout=10)
    results: dict[str, object] = {}

    def run(username, customer):
        try:
            user = User.objects.get(username=username)
            barrier.wait()
            action(user, customer)
            results[username] = "won"
        except ValidationFailed as exc:
            results[username] = exc.code
        except Exception as exc:
            results[username] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=job, daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "hung"
    return results


def _slow(monkeypatch, name):
    """Widen the window between counting and writing, so a missing lock would show."""
    original = getattr(pools, name)

    def counted_slowly(*args, **kwargs):
        value = original(*args, **kwargs)
        time.sleep(0.3)
        return value

    monkeypatch.setattr(pools, name, counted_slowly)


def test_department_quota_holds_under_simultaneous_claims(
    make_customer, sales1a, sales1b, monkeypatch
):
    """Two members of one department claim two different customers at once with one place
    left in the department's quota: exactly one gets it."""
    _slow(monkeypatch, "department_owned_count")
    pool = PoolFactory(
        name="部门配额公海", department=sales1a.department, cooldown_days=0, daily_claim_cap=100
    )
    for round_ in range(3):
        PublicPool.objects.filter(pk=pool.pk).update(max_owned_per_department=round_ + 1)
        customers = []
        for n in range(2):
            customer = make_customer(sales1a, name=f"配额{round_}-{n}")
            pool_release(actor=sales1a, customer=customer, reason=PoolEntry.Reason.OTHER)
            customers.append(customer)
        results = _race(
            lambda user, customer: pool_claim(actor=user, customer=customer),
            [(sales1a.username, customers[0]), (sales1b.username, customers[1])],
        )
        assert sorted(results.values()) == ["department_quota", "won"], results
        owned = Customer.objects.filter(department=sales1a.department, owner__isnull=False)
        assert owned.count() == round_ + 1
        assert Claim.objects.count() == round_ + 1


def test_department_locked_quota_holds_under_simultaneous_locks(
    make_customer, sales1a, sales1b, monkeypatch
):
    _slow(monkeypatch, "department_locked_count")
    pool = PoolFactory(name="锁定配额公海", departments_recycled=[sales1a.department])
    PublicPool.objects.filter(pk=pool.pk).update(max_locked_per_department=1)
    for round_ in range(3):
        mine = make_customer(sales1a, name=f"锁{round_}甲")
        theirs = make_customer(sales1b, name=f"锁{round_}乙")
        results = _race(
            lambda user, customer: prospect_lock(actor=user, customer=customer),
            [(sales1a.username, mine), (sales1b.username, theirs)],
        )
        assert sorted(results.values()) == ["department_locked_quota", "won"], results
        assert Prospect.objects.filter(locked=True).count() == 1
        Prospect.objects.update(locked=False)

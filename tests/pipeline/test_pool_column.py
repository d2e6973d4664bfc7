"""`Customer.public_pool_id`: the pool a customer sits in, copied onto the customer row so that
the data-scope filter tests one indexed column instead of querying the pool table. The pipeline
keeps it equal to the customer's `PoolEntry` through every release, recycling, claim,
reassignment, handover, merge, deletion and restore; pool members see exactly what they saw
through the pool table before."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from guanxi.customers.archive.selectors import (
    CustomerFilters,
    customer_get_for_user,
    customer_iter_for_export,
    customer_list_for_user,
)
from guanxi.customers.archive.services import (
    customer_delete,
    customer_handover,
    customer_merge,
    customer_purge,
    customer_reassign,
    customer_restore,
)
from guanxi.customers.errors import CustomerNotFound
from guanxi.customers.models import Customer
from guanxi.pipeline.models import PoolEntry, Prospect
from guanxi.pipeline.pools.services import (
    pool_claim,
    pool_recycle_run,
    pool_release,
    pool_update,
)
from tests.pipeline.factories import PoolFactory
from tests.pipeline.support import assert_pool_column_in_step

pytestmark = pytest.mark.django_db
Reason = PoolEntry.Reason


def fresh(user):
    from guanxi.accounts.models import User

    return User.objects.get(pk=user.pk)


def column(customer) -> int | None:
    return Customer.objects.values_list("public_pool_id", flat=True).get(pk=customer.pk)


@pytest.fixture
def pool(sales1a):
    """The 销售一部 pool: its members are 销售一部; it takes 销售一部's releases."""
    return PoolFactory(department=sales1a.department, daily_claim_cap=5, cooldown_days=0)


@pytest.fixture
def other_pool(sales2a):
    return PoolFactory(name="二部公海", department=sales2a.department)


@pytest.fixture
def release(make_customer, sales1a, pool):
    def _release(owner=None, name="公海客户", to=None):
        owner = owner or sales1a
        customer = make_customer(owner, name=name)
        pool_release(actor=owner, customer=customer, pool=to, reason=Reason.NO_PROGRESS)
        return Customer.objects.get(pk=customer.pk)

    return _release


# ---------------------------------------------------------------- the condition


def test_visibility_condition_is_a_column_test_not_a_pool_subquery(release, sales1b, pool):
    release()
    sql = str(Customer.objects.visible_to(fresh(sales1b)).query)
    assert PoolEntry._meta.db_table not in sql
    where = sql.split(" WHERE ", 1)[1]
    assert f'"public_pool_id" IN ({pool.pk})' in where
    # the only subquery left is the sharing (协作人) one
    assert where.upper().count("SELECT") == 1
    assert "customershare" in where


def test_no_pool_condition_for_a_user_outside_every_pool(release, sales2a):
    release()
    sql = str(Customer.objects.visible_to(fresh(sales2a)).query)
    assert PoolEntry._meta.db_table not in sql
    assert "public_pool_id" not in sql.split(" WHERE ", 1)[1]


# Which roles see a customer sitting in the 销售一部 pool (members: 销售一部): the members through
# the pool, the roles that see everything through their scope; nobody else (the manager of
# 销售中心 is not a member of a pool of 销售一部 and the customer has no department).
POOL_SEES = {
    "sales1a": True,
    "sales1b": True,
    "sales2a": False,
    "manager": False,
    "relations": True,
    "agent": True,
    "marketing": True,
    "admin_user": True,
}


@pytest.mark.parametrize("role", sorted(POOL_SEES))
def test_pool_customer_per_role(role, request, release, make_customer, sales2a):
    customer = release(name="池中客户")
    elsewhere = make_customer(sales2a, name="二部客户")
    user = fresh(request.getfixturevalue(role))
    sees = POOL_SEES[role]
    listed = {c.pk for c in customer_list_for_user(user=user, filters=CustomerFilters()).items}
    assert (customer.pk in listed) is sees
    searched = {
        c.pk for c in customer_list_for_user(user=user, filters=CustomerFilters(q="池中")).items
    }
    assert searched == ({customer.pk} if sees else set())
    exported = {
        c.pk for c in customer_iter_for_export(user=user, filters=CustomerFilters(), batch=2)
    }
    assert (customer.pk in exported) is sees
    if sees:
        assert customer_get_for_user(user=user, customer_id=customer.pk).pk == customer.pk
    else:
        with pytest.raises(CustomerNotFound):
            customer_get_for_user(user=user, customer_id=customer.pk)
    # the pool adds only its own customers
    assert (elsewhere.pk in listed) is (role not in {"sales1a", "sales1b"})


# ---------------------------------------------------------------- release, recycle, claim


def test_release_sets_the_column(release, pool, other_pool, sales2a):
    customer = release()
    assert column(customer) == pool.pk == customer.pool_entry.pool_id
    moved = release(owner=sales2a, name="二部释放", to=other_pool)
    assert column(moved) == other_pool.pk
    assert_pool_column_in_step()


def test_recycling_sets_the_column_in_every_batch(make_customer, sales1a, admin_user, pool):
    pool_update(actor=admin_user, pool=pool, data={"no_followup_days": {"*": 30}})
    now = timezone.now().replace(microsecond=0)
    due = [make_customer(sales1a, name=f"到期{i}") for i in range(5)]
    kept = make_customer(sales1a, name="未到期")
    for customer in due:
        Prospect.objects.filter(customer=customer).update(owned_since=now - timedelta(days=40))
    Prospect.objects.filter(customer=kept).update(owned_since=now - timedelta(days=5))
    counts = pool_recycle_run(now=now, batch_size=2)
    assert counts["released"] == 5
    assert [column(c) for c in due] == [pool.pk] * 5
    assert column(kept) is None
    assert_pool_column_in_step()
    # a second run changes nothing
    assert pool_recycle_run(now=now, batch_size=2)["released"] == 0
    assert_pool_column_in_step()


def test_claim_clears_the_column(release, sales1b):
    customer = release()
    pool_claim(actor=fresh(sales1b), customer=customer)
    assert column(customer) is None
    assert not PoolEntry.objects.filter(customer=customer).exists()
    assert_pool_column_in_step()
    # the claimer sees it as its owner, the other member no longer through the pool
    assert Customer.objects.get(pk=customer.pk).owner_id == sales1b.pk


def test_claim_then_release_again(release, sales1b, pool):
    customer = release()
    claimed = pool_claim(actor=fresh(sales1b), customer=customer)
    pool_release(actor=sales1b, customer=claimed, reason=Reason.LOST_TRUST)
    assert column(customer) == pool.pk
    assert_pool_column_in_step()


# ---------------------------------------------------------------- reassignment and handover


def test_reassigning_a_pool_customer_takes_it_out_of_the_pool(
    release, admin_user, sales1b, sales2a
):
    customer = release()
    result = customer_reassign(actor=admin_user, customer=customer, to_user=sales2a, reason="指派")
    assert result.owner_id == sales2a.pk and result.public_pool_id is None
    assert column(customer) is None
    assert not PoolEntry.objects.filter(customer=customer).exists()
    assert_pool_column_in_step()
    # it cannot be claimed away from its new owner, nor seen by the pool's members
    assert not Customer.objects.visible_to(fresh(sales1b)).filter(pk=customer.pk).exists()
    assert Customer.objects.visible_to(fresh(sales2a)).filter(pk=customer.pk).exists()


def test_reassigning_an_owned_customer_leaves_the_pools_alone(
    release, make_customer, admin_user, sales1a, sales2a, pool
):
    pooled = release()
    owned = make_customer(sales1a, name="有主")
    customer_reassign(actor=admin_user, customer=owned, to_user=sales2a)
    assert column(pooled) == pool.pk and column(owned) is None
    assert_pool_column_in_step()


def test_handover_takes_an_owned_customer_out_of_a_pool(
    release, make_customer, admin_user, sales1a, sales2a, pool
):
    pooled = release()
    # An owned customer with a pool entry (left by a reassignment before the pool column).
    stray = make_customer(sales1a, name="有主也在池")
    PoolEntry.objects.create(
        customer=stray, pool=pool, reason=Reason.OTHER, released_at=timezone.now()
    )
    Customer.objects.filter(pk=stray.pk).update(public_pool_id=pool.pk)
    moved = customer_handover(actor=admin_user, from_user=sales1a, to_user=sales2a, reason="离职")
    assert moved == 1  # the pooled customer has no owner and stays where it is
    assert column(stray) is None and not PoolEntry.objects.filter(customer=stray).exists()
    assert column(pooled) == pool.pk
    assert_pool_column_in_step()


# ---------------------------------------------------------------- merge


def test_merging_away_a_pool_customer_ends_its_entry(release, make_customer, admin_user, sales1a):
    duplicate = release(name="张三")
    primary = make_customer(sales1a, name="张三", mobile="13700000001")
    customer_merge(actor=admin_user, primary=primary, duplicate=duplicate)
    merged = Customer.objects.get(pk=duplicate.pk)
    assert merged.merged_into_id == primary.pk and merged.deleted_at is not None
    assert merged.public_pool_id is None
    assert not PoolEntry.objects.filter(customer_id=duplicate.pk).exists()
    kept = Customer.objects.get(pk=primary.pk)
    assert kept.owner_id == sales1a.pk and kept.public_pool_id is None
    assert_pool_column_in_step()


def test_merging_into_a_pool_customer_keeps_it_in_the_pool(
    release, make_customer, admin_user, sales1a, sales1b, pool
):
    primary = release(name="李四")
    duplicate = make_customer(sales1a, name="李四", mobile="13700000002")
    customer_merge(actor=admin_user, primary=primary, duplicate=duplicate)
    assert column(primary) == pool.pk
    assert PoolEntry.objects.get(customer_id=primary.pk).pool_id == pool.pk
    assert column(duplicate) is None
    assert Customer.objects.visible_to(fresh(sales1b)).filter(pk=primary.pk).exists()
    assert_pool_column_in_step()


def test_merging_two_pool_customers(release, admin_user, pool):
    primary = release(name="王五")
    duplicate = release(name="王五")
    customer_merge(actor=admin_user, primary=primary, duplicate=duplicate)
    assert column(primary) == pool.pk and column(duplicate) is None
    assert list(PoolEntry.objects.values_list("customer_id", flat=True)) == [primary.pk]
    assert_pool_column_in_step()


# ---------------------------------------------------------------- recycle bin, pool switched off


def test_delete_restore_purge_keep_the_column_with_the_entry(release, admin_user, sales1b, pool):
    customer = release()
    member = fresh(sales1b)
    customer_delete(actor=admin_user, customer=customer)
    # in the recycle bin it stays in its pool (restoring brings it back there) but no list shows it
    assert column(customer) == pool.pk
    assert PoolEntry.objects.filter(customer=customer).exists()
    assert not Customer.objects.visible_to(member).filter(pk=customer.pk).exists()
    assert_pool_column_in_step()
    customer_restore(actor=admin_user, customer=customer)
    assert column(customer) == pool.pk
    assert Customer.objects.visible_to(member).filter(pk=customer.pk).exists()
    assert_pool_column_in_step()
    customer_delete(actor=admin_user, customer=customer)
    customer_purge(actor=admin_user, customer=customer)
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert not PoolEntry.objects.filter(customer_id=customer.pk).exists()
    assert_pool_column_in_step()


def test_a_closed_pool_hides_its_customers_and_keeps_the_column(release, admin_user, sales1b, pool):
    customer = release()
    pool_update(actor=admin_user, pool=pool, data={"is_active": False})
    assert not Customer.objects.visible_to(fresh(sales1b)).filter(pk=customer.pk).exists()
    assert column(customer) == pool.pk
    pool_update(actor=admin_user, pool=pool, data={"is_active": True})
    assert Customer.objects.visible_to(fresh(sales1b)).filter(pk=customer.pk).exists()
    assert_pool_column_in_step()


# ---------------------------------------------------------------- the data migration


def test_data_migration_fills_the_column_from_the_entries(
    release, make_customer, sales2a, pool, other_pool
):
    first, second = release(name="甲"), release(name="乙")
    third = release(owner=sales2a, name="丙", to=other_pool)
    owned = make_customer(sales2a, name="丁")
    Customer.objects.update(public_pool_id=None)
    Customer.objects.filter(pk=owned.pk).update(public_pool_id=pool.pk)  # a stale value
    migration = importlib.import_module(
        "guanxi.pipeline.migrations.0010_customer_public_pool_from_entries"
    )
    editor = SimpleNamespace(connection=connection)
    migration.fill_from_entries(apps, editor)
    assert [column(c) for c in (first, second, third, owned)] == [
        pool.pk,
        pool.pk,
        other_pool.pk,
        None,
    ]
    assert_pool_column_in_step()
    migration.fill_from_entries(apps, editor)  # again: nothing changes
    assert_pool_column_in_step()

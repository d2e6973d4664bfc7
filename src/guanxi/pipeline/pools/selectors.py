"""Reads of the public pools (公海, INT-6, INT-7), scoped to pool membership: which pools a
user belongs to, which pool recycles a department, the quotas' counts, a pool's customers."""

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q

from guanxi.accounts.models import Department, User
from guanxi.accounts.permissions import MANAGE_USERS
from guanxi.accounts.selectors import user_can
from guanxi.core.errors import NotFound
from guanxi.core.pagination import Page, page_by_keys
from guanxi.core.querysets import filter_given
from guanxi.customers.models import Customer
from guanxi.customers.querysets import customer_editable
from guanxi.pipeline.models import PoolEntry, Prospect, PublicPool
from guanxi.pipeline.permissions import RELEASE_OTHERS

# ---------------------------------------------------------------- membership


_POOLS_CACHE = "_guanxi_pool_ids"


def may_release(*, user: User | AnonymousUser, customer: Customer) -> bool:
    """Releasing an owned customer to a pool, or locking it against the release, is the owner
    line's: the owner, or someone with `pipeline.release_others` whose own scope covers the
    customer — not a collaborator (协作人)."""
    return customer.owner_id is not None and customer_editable(
        user, customer, action=RELEASE_OTHERS, shared=False
    )


def _department_chain(user: User) -> list[int]:
    """The user's department and its ancestors (a member department covers its subtree)."""
    department = getattr(user, "department", None)
    if department is None:
        return []
    return [int(part) for part in (department.path or "").strip("/").split("/") if part] or [
        department.pk
    ]


def member_pool_ids(*, user: User | AnonymousUser) -> frozenset[int]:
    """Active pools the user may see and claim from: member user, member department (or a
    parent of theirs), or pool admin. Cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, _POOLS_CACHE, None)
    if cached is None:
        condition = Q(member_users=user) | Q(admins=user)
        chain = _department_chain(user)
        if chain:
            condition |= Q(member_departments__in=chain)
        cached = frozenset(
            PublicPool.objects.filter(is_active=True)
            .filter(condition)
            .values_list("id", flat=True)
            .distinct()
        )
        setattr(user, _POOLS_CACHE, cached)
    return cached


def is_member(*, user: User | AnonymousUser, pool: PublicPool) -> bool:
    return pool.pk in member_pool_ids(user=user)


def can_administer(*, user: User, pool: PublicPool | None = None) -> bool:
    if user_can(user=user, permission=MANAGE_USERS):
        return True
    if pool is None:
        return PublicPool.objects.filter(admins=user).exists()
    return pool.admins.filter(pk=user.pk).exists()


def pool_visibility(*, user: User | AnonymousUser) -> Q | None:
    """customers.querysets.visibility_extensions: members see the customers in their pools.

    A test of the customer's own `public_pool_id` column (indexed), which the pool services
    keep equal to the customer's `PoolEntry`: PostgreSQL combines it with the owner and
    department tests of the scope filter, where an EXISTS on the pool table made it hash the
    whole table for every customer query."""
    ids = member_pool_ids(user=user)
    if not ids:
        return None
    return Q(public_pool_id__in=sorted(ids))


# ---------------------------------------------------------------- which pool covers whom


def recycling_map() -> dict[int, int]:
    """department id -> the pool that recycles its customers. A department is covered by the
    nearest of itself and its ancestors listed in an active pool (the first pool by id)."""
    listed: dict[int, int] = {}
    for pool_id, department_id in (
        PublicPool.departments_recycled.through.objects.filter(publicpool__is_active=True)
        .order_by("publicpool_id")
        .values_list("publicpool_id", "department_id")
    ):
        listed.setdefault(department_id, pool_id)
    if not listed:
        return {}
    mapping: dict[int, int] = {}
    for department_id, path in Department.objects.values_list("id", "path"):
        chain = [int(p) for p in (path or "").strip("/").split("/") if p] or [department_id]
        for ancestor in reversed(chain):
            if ancestor in listed:
                mapping[department_id] = listed[ancestor]
                break
    return mapping


def pool_for_department(*, department_id: int | None) -> PublicPool | None:
    pool_id = recycling_map().get(department_id) if department_id else None
    pools = PublicPool.objects.filter(is_active=True)
    if pool_id:
        return pools.filter(pk=pool_id).first()
    return pools.order_by("id").first()


# ---------------------------------------------------------------- quotas


def owned_count(*, user: User | int, count_dealt: bool) -> int:
    customers = Customer.objects.filter(owner=user, deleted_at__isnull=True)
    if not count_dealt:
        customers = customers.exclude(prospect__dealt=True)
    return customers.count()


def locked_count(*, user: User | int, count_dealt: bool) -> int:
    prospects = Prospect.objects.filter(owner=user, locked=True)
    if not count_dealt:
        prospects = prospects.filter(dealt=False)
    return prospects.count()


def department_owned_count(*, department_id: int, count_dealt: bool) -> int:
    """Customers owned by the members of this department (its own members, not those of its
    sub-departments): the customers' department column follows the owner's department."""
    customers = Customer.objects.filter(
        department_id=department_id, owner__isnull=False, deleted_at__isnull=True
    )
    if not count_dealt:
        customers = customers.exclude(prospect__dealt=True)
    return customers.count()


def department_locked_count(*, department_id: int, count_dealt: bool) -> int:
    prospects = Prospect.objects.filter(
        department_id=department_id, owner__isnull=False, locked=True
    )
    if not count_dealt:
        prospects = prospects.filter(dealt=False)
    return prospects.count()


# ---------------------------------------------------------------- lists


def pools_for_user(*, user: User | AnonymousUser) -> list[PublicPool]:
    """The active pools the user is a member of, each with `customer_count`."""
    ids = member_pool_ids(user=user)
    return list(
        PublicPool.objects.filter(pk__in=ids)
        .annotate(customer_count=Count("entries"))
        .order_by("id")
    )


def pool_get_for_user(*, user: User | AnonymousUser, pool_id: int | str) -> PublicPool:
    try:
        pool_id = int(pool_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if pool_id not in member_pool_ids(user=user):
        raise NotFound()
    return PublicPool.objects.get(pk=pool_id)


def pool_customers_for_user(
    *,
    user: User,
    pool: PublicPool,
    reason: str = "",
    stage: str = "",
    source: int | str = "",
    cursor: str = "",
    limit: int = 50,
) -> Page[PoolEntry]:
    """Customers sitting in the pool, newest release first, in keyset pages; members only."""
    if not is_member(user=user, pool=pool):
        raise NotFound()
    entries = filter_given(
        PoolEntry.objects.filter(pool=pool, customer__deleted_at__isnull=True),
        reason=reason,
        customer__prospect__stage__code=stage,
        customer__source_id=source,
    )
    entries = entries.select_related(
        "customer", "customer__prospect", "customer__prospect__stage", "previous_owner"
    )
    return page_by_keys(
        entries,
        keys=[("released_at", dt.datetime), ("id", int)],
        descending=True,
        cursor=cursor,
        limit=limit,
    )

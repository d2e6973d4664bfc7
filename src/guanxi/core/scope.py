"""Data scope (数据权限): the one filter every read of owned records goes through.

A role grants one of five scopes (SPEC "Roles"); a user with several roles gets the union.
`accounts` computes a user's `Scope`; `apply_scope` turns it into a WHERE clause on any
model that has an owner and a department column. Records shared with the user (协作人) are
added by the caller through `extra`.
"""

from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

# Any request's user: the kernel cannot name accounts.User (a higher app), and a read for an
# anonymous user sees nothing.
AnyUser = AbstractBaseUser | AnonymousUser


class DataScope:
    OWN = "own"  # 本人
    OWN_AND_SUBORDINATES = "own_subordinates"  # 本人及下属
    DEPARTMENT = "department"  # 本部门
    DEPARTMENT_TREE = "department_tree"  # 本部门及下属
    ALL = "all"  # 全部

    WIDTH = {OWN: 0, OWN_AND_SUBORDINATES: 1, DEPARTMENT: 2, DEPARTMENT_TREE: 3, ALL: 4}


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    sees_all: bool = False
    owner_ids: frozenset[int] = field(default_factory=frozenset)
    department_ids: frozenset[int] = field(default_factory=frozenset)
    # the permission codes of the user's roles: `editable_by` needs them for others' records
    permissions: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def nothing(cls) -> "Scope":
        return cls(user_id=None)

    def covers(self, *, owner_id: int | None, department_id: int | None) -> bool:
        return (
            self.sees_all
            or (owner_id is not None and owner_id in self.owner_ids)
            or (department_id is not None and department_id in self.department_ids)
        )


def scope_q(scope: Scope, *, owner_field: str = "owner", department_field: str = "department") -> Q:
    if scope.sees_all:
        return Q()
    condition = Q(pk__in=[])
    if scope.owner_ids:
        condition |= Q(**{f"{owner_field}_id__in": sorted(scope.owner_ids)})
    if scope.department_ids:
        condition |= Q(**{f"{department_field}_id__in": sorted(scope.department_ids)})
    return condition


def editable_q(
    scope: Scope, *, action: str, owner_field: str = "owner", department_field: str = "department"
) -> Q:
    """The records in `scope` the user may do `action` on: seeing is not changing. A record the
    user owns needs only the scope; one owned by someone else (or by nobody) also needs the
    named permission `action` (e.g. `customer.edit_others`, `pipeline.release_others`)."""
    if scope.user_id is None:
        return Q(pk__in=[])
    if action in scope.permissions:
        return scope_q(scope, owner_field=owner_field, department_field=department_field)
    return Q(**{f"{owner_field}_id": scope.user_id})


def may_change(
    scope: Scope, *, action: str, owner_id: int | None, department_id: int | None
) -> bool:
    """`editable_q` for one record whose owner and department are known: the same answer
    without a query."""
    if scope.user_id is None:
        return False
    if action in scope.permissions:
        return scope.covers(owner_id=owner_id, department_id=department_id)
    return owner_id == scope.user_id


def apply_scope[QS: QuerySet](
    queryset: QS,
    scope: Scope,
    *,
    owner_field: str = "owner",
    department_field: str = "department",
    extra: Q | None = None,
) -> QS:
    if scope.sees_all:
        return queryset
    condition = scope_q(scope, owner_field=owner_field, department_field=department_field)
    if extra is not None:
        condition |= extra
    return queryset.filter(condition)


# `accounts` knows how a user's roles give a scope; it registers that function here when it
# starts, so that querysets of every app can filter by scope without importing a higher app.
# (Its user is Any: the kernel cannot name accounts.User, which the resolver takes.)
class ScopeResolver(Protocol):
    def __call__(self, *, user: Any) -> Scope: ...


_scope_resolver: ScopeResolver | None = None


def scope_resolver_register(resolver: ScopeResolver) -> None:
    global _scope_resolver
    _scope_resolver = resolver


def scope_of(user: AnyUser | None) -> Scope:
    if _scope_resolver is None or user is None or not getattr(user, "is_authenticated", False):
        return Scope.nothing()
    return _scope_resolver(user=user)


class ScopedQuerySet(QuerySet):
    """Querysets of records that carry an owner and a department (customers, contracts,
    payments …): `Contract.objects.visible_to(user)` is the one scope filter.

        class ContractQuerySet(ScopedQuerySet):
            pass                                    # owner / department columns

        class Contract(models.Model):
            objects = ContractQuerySet.as_manager()

    `editable_by(user, action=...)` is the records the user may do that action on: their own
    records in scope, and others' records in scope only with the permission named `action`
    (`editable_q`). Every changing service goes through it; see docs/decisions.md
    "Seeing is not changing"."""

    scope_owner_field = "owner"
    scope_department_field = "department"

    def scope_condition(self, user: AnyUser) -> Q | None:
        """Records shared with the user beyond their scope (协作人 …), or None."""
        return None

    def visible_to(self, user: AnyUser) -> "ScopedQuerySet":
        scope = scope_of(user)
        if scope.user_id is None:
            return self.none()
        return apply_scope(
            self,
            scope,
            owner_field=self.scope_owner_field,
            department_field=self.scope_department_field,
            extra=self.scope_condition(user),
        )

    def locked_for(self, user: AnyUser, *, action: str, pk: int) -> Any:
        """The row `pk` locked (SELECT … FOR UPDATE of its own table) if the user may do
        `action` on it, else None: the answer of `editable_by(user, action=action)` for that
        row, decided on the locked row in Python (`may_change`) instead of compiled into the
        locking query — a hot write (recording a payment) saves the scope's compilation."""
        row = self.select_for_update(of=("self",)).filter(pk=pk).first()
        if row is None:
            return None
        allowed = may_change(
            scope_of(user),
            action=action,
            owner_id=getattr(row, f"{self.scope_owner_field}_id"),
            department_id=getattr(row, f"{self.scope_department_field}_id"),
        )
        return row if allowed else None

    def editable_by(self, user: AnyUser, *, action: str) -> "ScopedQuerySet":
        scope = scope_of(user)
        if scope.user_id is None:
            return self.none()
        return self.filter(
            editable_q(
                scope,
                action=action,
                owner_field=self.scope_owner_field,
                department_field=self.scope_department_field,
            )
        )

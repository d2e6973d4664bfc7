"""Data scope (数据权限): the one filter every read of owned records goes through.

A role grants one of five scopes (SPEC "Roles"); a user with several roles gets the union.
`accounts` computes a user's `Scope`; `apply_scope` turns it into a WHERE clause on any
model that has an owner and a department column. Records shared with the user (协作人) are
added by the caller through `extra`.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet


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


def apply_scope(
    queryset: QuerySet,
    scope: Scope,
    *,
    owner_field: str = "owner",
    department_field: str = "department",
    extra: Q | None = None,
) -> QuerySet:
    if scope.sees_all:
        return queryset
    condition = scope_q(scope, owner_field=owner_field, department_field=department_field)
    if extra is not None:
        condition |= extra
    return queryset.filter(condition)

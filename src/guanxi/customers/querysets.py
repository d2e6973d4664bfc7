"""The customer data-scope filter as queryset methods: every read of customers goes through
`Customer.objects.visible_to(user)` (lists, detail, search, API, exports, the 360 page,
background jobs run for a user), every change through `.editable_by(user, action=...)`:
the user's own customers, others' in scope with the permission `action`, and customers
shared read-write with them (协作人) unless the action is the owner line's alone."""

from typing import Any, Self

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from guanxi.core.hooks import Hook
from guanxi.core.scope import AnyUser, ScopedQuerySet, editable_q, may_change, scope_of

# Higher apps add conditions under which a user sees customers (e.g. members of a public
# pool see its customers). Each callback takes user=... and returns a Q or None.
visibility_extensions = Hook("customer_visibility")


class CustomerQuerySet(ScopedQuerySet):
    def alive(self) -> Self:
        return self.filter(deleted_at__isnull=True)

    def _active_share(self, user: AnyUser, *, editable: bool = False) -> Exists:
        share_model = self.model._meta.get_field("shares").related_model
        shares = share_model.objects.filter(customer_id=OuterRef("pk"), user_id=user.pk).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )
        if editable:
            shares = shares.filter(can_edit=True)
        return Exists(shares)

    def scope_condition(self, user: AnyUser) -> Q | None:
        condition = Q(self._active_share(user))
        for callback in visibility_extensions:
            extra = callback(user=user)
            if extra is not None:
                condition |= extra
        return condition

    def visible_to(self, user: AnyUser, *, include_deleted: bool = False) -> Self:
        queryset = self if include_deleted else self.alive()
        return ScopedQuerySet.visible_to(queryset, user)

    def editable_by(
        self, user: AnyUser, *, action: str, include_deleted: bool = False, shared: bool = True
    ) -> Self:
        """The customers the user may do `action` on (core.scope.editable_q), plus those shared
        read-write with them when `shared` (the owner lent them the customer's upkeep; actions
        of the owner's line such as a release or a contract pass shared=False)."""
        queryset = self if include_deleted else self.alive()
        scope = scope_of(user)
        if scope.user_id is None:
            return queryset.none()
        if scope.sees_all and action in scope.permissions:
            return queryset  # (an empty Q would swallow the share condition below)
        condition = editable_q(scope, action=action)
        if shared:
            condition |= Q(self._active_share(user, editable=True))
        return queryset.filter(condition)


def customer_seen_by(user: AnyUser, customer: Any, *, include_deleted: bool = False) -> bool:
    """Whether `customer` (a row already read) is among `Customer.objects.visible_to(user,
    include_deleted=...)`: decided from its owner and department when the user's scope
    covers them, asking the database (shares, pools) only when it does not — the 360 page
    reads its customer without compiling the scope condition into the query."""
    if customer.deleted_at is not None and not include_deleted:
        return False
    scope = scope_of(user)
    if scope.user_id is None:
        return False
    if scope.covers(owner_id=customer.owner_id, department_id=customer.department_id):
        return True
    rows = type(customer).objects.visible_to(user, include_deleted=include_deleted)
    return rows.filter(pk=customer.pk).exists()


def customer_editable(user: AnyUser, customer: Any, *, action: str, shared: bool = True) -> bool:
    """Whether `customer` (a row already read) is among `Customer.objects.editable_by(user,
    action=..., shared=...)`: decided from its owner and department and the user's scope,
    asking the database only for a read-write share when the scope does not decide (the 360
    page asks this of one customer for four panels)."""
    if customer.deleted_at is not None:
        return False
    scope = scope_of(user)
    if may_change(
        scope, action=action, owner_id=customer.owner_id, department_id=customer.department_id
    ):
        return True
    if not shared or scope.user_id is None:
        return False
    shares = type(customer).objects.filter(pk=customer.pk)
    return shares.filter(shares._active_share(user, editable=True)).exists()

"""The customer data-scope filter. Every read of customers goes through `visible_customers`
(lists, detail, search, API, exports, the 360 page, background jobs run for a user)."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from guanxi.accounts.selectors import scope_for_user
from guanxi.core.hooks import Hook
from guanxi.core.scope import apply_scope, scope_q

# Higher apps add conditions under which a user sees customers (e.g. members of a public
# pool see its customers). Each callback takes user=... and returns a Q or None.
visibility_extensions = Hook("customer_visibility")


def _active_share(user, *, editable: bool = False):
    from guanxi.customers.models import CustomerShare

    shares = CustomerShare.objects.filter(customer_id=OuterRef("pk"), user_id=user.pk).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )
    if editable:
        shares = shares.filter(can_edit=True)
    return Exists(shares)


def visible_customers(user, *, include_deleted: bool = False):
    from guanxi.customers.models import Customer

    queryset = Customer.objects.all()
    if not include_deleted:
        queryset = queryset.filter(deleted_at__isnull=True)
    scope = scope_for_user(user)
    if scope.user_id is None:
        return queryset.none()
    extra = Q(_active_share(user))
    for callback in visibility_extensions:
        condition = callback(user=user)
        if condition is not None:
            extra |= condition
    return apply_scope(queryset, scope, extra=extra)


def editable_customers(user, *, include_deleted: bool = False):
    """Customers the user may change: in their scope, or shared read-write with them."""
    from guanxi.customers.models import Customer

    queryset = Customer.objects.all()
    if not include_deleted:
        queryset = queryset.filter(deleted_at__isnull=True)
    scope = scope_for_user(user)
    if scope.user_id is None:
        return queryset.none()
    if scope.sees_all:
        return queryset
    return queryset.filter(scope_q(scope) | Q(_active_share(user, editable=True)))


def user_covers_customer(user, customer) -> bool:
    """Whether the customer lies within the user's own scope (not through sharing)."""
    return scope_for_user(user).covers(
        owner_id=customer.owner_id, department_id=customer.department_id
    )

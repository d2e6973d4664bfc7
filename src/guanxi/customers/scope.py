"""The customer data-scope filter (kept as functions for the callers that take a user)."""

from typing import Any

from guanxi.accounts.selectors import scope_for_user
from guanxi.customers.models import Customer
from guanxi.customers.querysets import CustomerQuerySet, visibility_extensions

__all__ = ["visibility_extensions"]


def visible_customers(user: Any, *, include_deleted: bool = False) -> CustomerQuerySet:
    return Customer.objects.visible_to(user, include_deleted=include_deleted)


def editable_customers(user: Any, *, include_deleted: bool = False) -> CustomerQuerySet:
    return Customer.objects.editable_by(user, include_deleted=include_deleted)


def user_covers_customer(user: Any, customer: Customer) -> bool:
    """Whether the customer lies within the user's own scope (not through sharing)."""
    return scope_for_user(user).covers(
        owner_id=customer.owner_id, department_id=customer.department_id
    )

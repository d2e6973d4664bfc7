"""Whether a customer lies in a user's own scope. Reads go through the queryset methods
`Customer.objects.visible_to(user)` / `.editable_by(user)` (customers/querysets.py)."""

from typing import Any

from guanxi.accounts.selectors import scope_for_user
from guanxi.customers.models import Customer


def user_covers_customer(user: Any, customer: Customer) -> bool:
    """Whether the customer lies within the user's own scope (not through sharing)."""
    return scope_for_user(user).covers(
        owner_id=customer.owner_id, department_id=customer.department_id
    )

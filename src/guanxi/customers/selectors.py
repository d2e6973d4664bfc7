"""What pipeline and sales import from `guanxi.customers.selectors` while they move to
`guanxi.customers.archive.selectors` (keyword-only there) and `guanxi.core.pagination`
(issue 10): re-imports and positional adapters, removed once no caller is left."""

from collections.abc import Iterator
from typing import Any

from guanxi.core.pagination import Page, capped_count
from guanxi.customers.archive import selectors
from guanxi.customers.archive.selectors import CustomerFilters
from guanxi.customers.models import Customer

__all__ = [
    "CustomerFilters",
    "capped_count",
    "customer_get_for_user",
    "customer_iter_for_export",
    "customer_list_for_user",
]


def customer_get_for_user(
    user: Any, customer_id: int | str, *, include_deleted: bool = False
) -> Customer:
    return selectors.customer_get_for_user(
        user=user, customer_id=customer_id, include_deleted=include_deleted
    )


def customer_list_for_user(user: Any, filters: CustomerFilters, **options: Any) -> Page[Customer]:
    return selectors.customer_list_for_user(user=user, filters=filters, **options)


def customer_iter_for_export(
    user: Any, filters: CustomerFilters, **options: Any
) -> Iterator[Customer]:
    return selectors.customer_iter_for_export(user=user, filters=filters, **options)

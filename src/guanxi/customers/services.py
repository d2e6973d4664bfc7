"""What pipeline and sales import from `guanxi.customers.services` while they move to
`guanxi.customers.archive.services` and `guanxi.customers.hooks` (issue 10): plain
re-imports, removed once no caller is left."""

from guanxi.customers.archive.services import (
    customer_refresh_category,
    customer_take_owner,
    customers_release_owner,
    timeline_add,
)
from guanxi.customers.hooks import (
    category_signals,
    customer_created,
    handover_extensions,
    merge_extensions,
    owners_changed,
)

__all__ = [
    "category_signals",
    "customer_created",
    "customer_refresh_category",
    "customer_take_owner",
    "customers_release_owner",
    "handover_extensions",
    "merge_extensions",
    "owners_changed",
    "timeline_add",
]

"""What pipeline and sales import from `guanxi.customers.selectors` while they move to
`guanxi.customers.archive.selectors` and `guanxi.core.pagination` (issue 10): plain
re-imports, removed once no caller is left."""

from guanxi.core.pagination import capped_count
from guanxi.customers.archive.selectors import (
    CustomerFilters,
    customer_get_for_user,
    customer_list_for_user,
)

__all__ = ["CustomerFilters", "capped_count", "customer_get_for_user", "customer_list_for_user"]

"""What several pipeline test modules check the same way."""

from guanxi.customers.models import Customer
from guanxi.pipeline.models import PoolEntry


def assert_pool_column_in_step():
    """Every customer's `public_pool_id` is the pool of its entry, and NULL without one."""
    entries = dict(PoolEntry.objects.values_list("customer_id", "pool_id"))
    columns = dict(
        Customer.objects.filter(public_pool_id__isnull=False).values_list("pk", "public_pool_id")
    )
    assert columns == entries

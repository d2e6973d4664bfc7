"""Fill `Customer.public_pool_id` (added by customers/0007) from the existing pool entries.

From now on the pipeline services keep the column equal to the customer's `PoolEntry`; this
copies what is there. Batches of 10,000 entries, each in its own transaction, so a large table
is never held locked at once; running it again changes nothing. PostgreSQL uses one
`UPDATE … FROM` per batch, other databases (SQLite) one UPDATE per pool and batch.
"""

from django.db import migrations, transaction
from django.db.models import Exists, OuterRef

BATCH = 10_000


def fill_from_entries(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    PoolEntry = apps.get_model("pipeline", "PoolEntry")
    connection = schema_editor.connection
    alias = connection.alias
    customers = Customer._default_manager.db_manager(alias)
    entries = PoolEntry._default_manager.db_manager(alias)
    # A value without an entry (none right after customers/0007; possible on a re-run).
    with transaction.atomic(using=alias):
        customers.filter(public_pool_id__isnull=False).exclude(
            Exists(entries.filter(customer_id=OuterRef("pk")))
        ).update(public_pool_id=None)
    last = entries.order_by("-id").values_list("id", flat=True).first() or 0
    after = 0
    while after < last:
        upto = after + BATCH
        with transaction.atomic(using=alias):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        f'UPDATE "{Customer._meta.db_table}" AS c '  # noqa: S608
                        "SET public_pool_id = e.pool_id "
                        f'FROM "{PoolEntry._meta.db_table}" AS e '
                        "WHERE e.customer_id = c.id AND e.id > %s AND e.id <= %s "
                        "AND c.public_pool_id IS DISTINCT FROM e.pool_id",
                        [after, upto],
                    )
            else:
                by_pool: dict[int, list[int]] = {}
                for customer_id, pool_id in entries.filter(id__gt=after, id__lte=upto).values_list(
                    "customer_id", "pool_id"
                ):
                    by_pool.setdefault(pool_id, []).append(customer_id)
                for pool_id, ids in by_pool.items():
                    for start in range(0, len(ids), 500):
                        customers.filter(pk__in=ids[start : start + 500]).exclude(
                            public_pool_id=pool_id
                        ).update(public_pool_id=pool_id)
        after = upto


class Migration(migrations.Migration):
    # Each batch commits on its own (see the module's docstring).
    atomic = False

    dependencies = [
        ("customers", "0007_customer_public_pool"),
        ("pipeline", "0009_script_counts_from_votes"),
    ]

    operations = [
        migrations.RunPython(fill_from_entries, migrations.RunPython.noop, elidable=False),
    ]

"""PostgreSQL: a covering index for the receivables ageing (ORD-4, bench/README.md "Sales").

The company's ageing report groups every open instalment of an active contract (1.7M of 6M
at the 1,000,000-customer benchmark) by owner, department and bucket. With only the partial
`(due_on)` index that is a sequential scan of the whole table (~580 MB, ~0.7 s). This partial
index holds exactly the open rows with every column the ageing reads, so the report is a
(parallel) index-only scan of ~80 MB, about half the time. SQLite does not need it: its
databases are small and it has no INCLUDE.
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS instalment_open_ageing_idx ON sales_instalment "
    "(owner_id, department_id, due_on) INCLUDE (amount, paid_amount) "
    "WHERE active AND NOT settled",
]
BACKWARD = ["DROP INDEX IF EXISTS instalment_open_ageing_idx"]


def _run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("sales", "0005_net_plus_tax_rounded")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]

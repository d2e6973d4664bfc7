"""Partial-phone search from an index on both databases (ARC-7, issue 13).

SQLite: an FTS5 trigram table over the phones, kept by triggers (`customers.phone_index`).
PostgreSQL: the mobile has had a trigram GIN index since 0003; the office and home phones get
one too (a search of seven or more digits also looks at their endings).
"""

from django.db import migrations

from guanxi.customers import phone_index

POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS cust_office_phone_trgm ON customers_customer "
    "USING gin (office_phone gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cust_home_phone_trgm ON customers_customer "
    "USING gin (home_phone gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS cust_office_phone_trgm",
    "DROP INDEX IF EXISTS cust_home_phone_trgm",
]


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)
    phone_index.ensure(connection)


def backward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)
    phone_index.drop(connection)


class Migration(migrations.Migration):
    dependencies = [("customers", "0008_source_group_tag_colour_choices")]
    operations = [migrations.RunPython(forward, backward)]

"""PostgreSQL-only search indexes (ARC-7): trigram GIN for "contains" on names and mobiles,
pattern_ops B-trees for prefix matches under any collation. SQLite uses the plain indexes."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS cust_name_trgm ON customers_customer USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cust_mobile_trgm ON customers_customer USING gin (mobile gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cust_name_prefix ON customers_customer (name varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS cust_initials_prefix ON customers_customer (name_initials varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS cust_pinyin_prefix ON customers_customer (name_pinyin varchar_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS cust_name_trgm",
    "DROP INDEX IF EXISTS cust_mobile_trgm",
    "DROP INDEX IF EXISTS cust_name_prefix",
    "DROP INDEX IF EXISTS cust_initials_prefix",
    "DROP INDEX IF EXISTS cust_pinyin_prefix",
]


def _run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_default_sources_industries_rules")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]

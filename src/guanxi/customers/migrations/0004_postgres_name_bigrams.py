"""PostgreSQL: a bigram GIN index for "name contains" searches (ARC-7, bench/README.md).

pg_trgm cannot serve `name LIKE '%王秀%'`: a two-character pattern has no complete
trigram, so the trigram index returns every row and a search over 1,000,000 customers took
about a second. Chinese searches are mostly two characters, so names are indexed by their
character bigrams instead; `selectors.search_condition` adds `gx_bigrams(name) @>
gx_bigrams(<text>)` next to the LIKE (which stays as the exact test).
"""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION gx_bigrams(value text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT substr(value, i, 2)), '{}')
        FROM generate_series(1, char_length(value) - 1) AS i
    $$
    """,
    "CREATE INDEX IF NOT EXISTS cust_name_bigrams ON customers_customer USING gin (gx_bigrams(name))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS cust_name_bigrams",
    "DROP FUNCTION IF EXISTS gx_bigrams(text)",
]


def _run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_postgres_search_indexes")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]

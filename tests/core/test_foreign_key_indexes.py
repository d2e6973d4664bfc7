"""Indexes that another index makes redundant (issue 13, write speed): a foreign key's own
index when a composite index or a unique constraint leads with the same column, and the
other way round, no foreign key left without an index that leads with it (docs/decisions.md,
"Foreign keys led by a composite index have no index of their own").

Read from PostgreSQL's catalogue of the migrated test database, so what the migrations made
is checked, not what the models say; SQLite builds the same indexes from the same models."""

import pytest
from django.apps import apps
from django.db import connection, models

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="reads pg_index"),
]

# A single-column index (not unique, not partial, no expression) and a btree index on the
# same table that is not partial, has no expression and leads with the same column, in the
# same operator class and collation (a varchar_pattern_ops `_like` index serves LIKE, which
# the other does not), with more columns or unique.
REDUNDANT_SQL = """
SELECT t.relname, i.relname, a.attname, l.relname
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
JOIN pg_index y ON y.indrelid = x.indrelid AND y.indexrelid <> x.indexrelid
    AND y.indkey[0] = x.indkey[0] AND y.indclass[0] = x.indclass[0]
    AND y.indcollation[0] = x.indcollation[0]
    AND y.indpred IS NULL AND y.indexprs IS NULL AND (y.indnkeyatts > 1 OR y.indisunique)
JOIN pg_class l ON l.oid = y.indexrelid
WHERE x.indnatts = 1 AND NOT x.indisunique AND x.indpred IS NULL AND x.indexprs IS NULL
    AND x.indkey[0] <> 0
    AND i.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')
    AND l.relam = i.relam
ORDER BY 1, 2, 4
"""

# Two indexes of a table with the same columns, operator classes, collations and order, neither
# unique, partial nor on an expression: the second one is a copy every write pays for twice
# (a named Meta index on a foreign key that already has its own).
DUPLICATE_SQL = """
SELECT t.relname, i.relname, j.relname
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
JOIN pg_index y ON y.indrelid = x.indrelid AND y.indexrelid > x.indexrelid
    AND y.indkey::text = x.indkey::text AND y.indclass::text = x.indclass::text
    AND y.indcollation::text = x.indcollation::text AND y.indoption::text = x.indoption::text
    AND y.indnkeyatts = x.indnkeyatts
    AND NOT y.indisunique AND y.indpred IS NULL AND y.indexprs IS NULL
JOIN pg_class j ON j.oid = y.indexrelid AND j.relam = i.relam
WHERE NOT x.indisunique AND x.indpred IS NULL AND x.indexprs IS NULL
ORDER BY 1, 2
"""

# Columns that lead a non-partial index of their table: (table, column).
LEADING_SQL = """
SELECT t.relname, a.attname
FROM pg_index x
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
WHERE x.indpred IS NULL
"""


def _fixable_tables() -> set[str]:
    """Tables whose indexes Guanxi declares: its own models, not the many-to-many tables Django
    makes (their (a, b) unique index and an index on each column come with the field) nor
    other packages' tables (auth, axes …)."""
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.startswith("guanxi.") and not model._meta.auto_created
    }


def test_no_single_column_index_is_led_by_another_index():
    with connection.cursor() as cursor:
        cursor.execute(REDUNDANT_SQL)
        rows = cursor.fetchall()
    fixable = _fixable_tables()
    redundant = [
        f"{table}.{column}: {index} (led by {leader})"
        for table, index, column, leader in rows
        if table in fixable
    ]
    assert not redundant, (
        "single-column indexes that another index leads with the same column; give the "
        "foreign key db_index=False (AlterFieldIndex in the migration):\n" + "\n".join(redundant)
    )


def test_no_index_is_a_copy_of_another():
    with connection.cursor() as cursor:
        cursor.execute(DUPLICATE_SQL)
        rows = cursor.fetchall()
    fixable = _fixable_tables()
    copies = [f"{table}: {first} = {second}" for table, first, second in rows if table in fixable]
    assert not copies, "indexes with the same columns as another; drop one:\n" + "\n".join(copies)


def test_the_copy_check_finds_a_copy():
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX gx_copy_probe ON customers_tag (created_at)")
        cursor.execute("CREATE INDEX gx_copy_probe_2 ON customers_tag (created_at)")
        cursor.execute(DUPLICATE_SQL)
        found = {(row[0], row[1], row[2]) for row in cursor.fetchall()}
    assert ("customers_tag", "gx_copy_probe", "gx_copy_probe_2") in found


def test_the_check_sees_the_many_to_many_tables_it_leaves():
    # The query finds what it should: Django's own many-to-many tables keep the pattern.
    with connection.cursor() as cursor:
        cursor.execute(REDUNDANT_SQL)
        tables = {row[0] for row in cursor.fetchall()}
    assert "accounts_user_roles" in tables


def test_every_foreign_key_leads_an_index():
    with connection.cursor() as cursor:
        cursor.execute(LEADING_SQL)
        leading = set(cursor.fetchall())
    unindexed = [
        f"{model._meta.label}.{field.name} ({model._meta.db_table}.{field.column})"
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
        for field in model._meta.local_concrete_fields
        if isinstance(field, models.ForeignKey)
        and (model._meta.db_table, field.column) not in leading
    ]
    assert not unindexed, "foreign keys no index leads with:\n" + "\n".join(unindexed)

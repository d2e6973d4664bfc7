"""Partial-phone search from an index (ARC-7, issue 13): `mobile LIKE '%0013%'` without a scan.

PostgreSQL answers "contains" from pg_trgm GIN indexes on the phone columns (migrations 0003
and 0009). SQLite has no such index, so there `customers_phone_fts` — an FTS5 table with the
trigram tokenizer over the customer's mobile, office and home phone, its rows kept by triggers
on `customers_customer` (insert, delete, and updates of those three columns, whatever writes
them: services, bulk loads, raw SQL) — gives the ids whose phones contain the digits, and the
LIKE stays as the exact test. It stores no copy of the numbers (external content).

SQLite's ALTER TABLE in Django rebuilds a table, which drops its triggers: `ensure` (run by
migration 0009 and after every `migrate`) re-creates missing triggers and then rebuilds the
index from the table.
"""

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import RawSQL

TABLE = "customers_phone_fts"
CUSTOMERS = "customers_customer"
COLUMNS = ("mobile", "office_phone", "home_phone")
_NEW = ", ".join(f"new.{c}" for c in COLUMNS)
_OLD = ", ".join(f"old.{c}" for c in COLUMNS)
_NAMES = ", ".join(COLUMNS)
_DELETE_OLD = f"INSERT INTO {TABLE}({TABLE}, rowid, {_NAMES}) VALUES ('delete', old.id, {_OLD});"  # noqa: S608
_INSERT_NEW = f"INSERT INTO {TABLE}(rowid, {_NAMES}) VALUES (new.id, {_NEW});"  # noqa: S608
TRIGGERS = {
    f"{TABLE}_insert": f"AFTER INSERT ON {CUSTOMERS} BEGIN {_INSERT_NEW} END",
    f"{TABLE}_delete": f"AFTER DELETE ON {CUSTOMERS} BEGIN {_DELETE_OLD} END",
    f"{TABLE}_update": (
        f"AFTER UPDATE OF {_NAMES} ON {CUSTOMERS} BEGIN {_DELETE_OLD} {_INSERT_NEW} END"
    ),
}
# The trigram tokenizer needs three characters: shorter fragments are not searched as phones.
MIN_DIGITS = 3


def ensure(connection: BaseDatabaseWrapper) -> bool:
    """Create the SQLite index and its triggers where missing (then fill the index from the
    table); True if something was created. Nothing to do on other databases."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name FROM sqlite_master WHERE name LIKE %s", [f"{TABLE}%"])
        present = {name for _type, name in cursor.fetchall()}
        if CUSTOMERS not in connection.introspection.table_names(cursor):
            return False
        created = False
        if TABLE not in present:
            cursor.execute(
                f"CREATE VIRTUAL TABLE {TABLE} USING fts5({_NAMES}, tokenize='trigram', "
                f"content='{CUSTOMERS}', content_rowid='id')"
            )
            created = True
        for name, body in TRIGGERS.items():
            if name not in present:
                cursor.execute(f"CREATE TRIGGER {name} {body}")
                created = True
        if created:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")  # noqa: S608
    return created


def suspend_insert_trigger(connection: BaseDatabaseWrapper) -> bool:
    """For a bulk load (SQLite): rows inserted from now on are not indexed one by one;
    `ensure` afterwards puts the trigger back and rebuilds the index from the table. False
    when there is no such trigger (another database, or before migration 0009)."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [f"{TABLE}_insert"]
        )
        if cursor.fetchone() is None:
            return False
        cursor.execute(f"DROP TRIGGER {TABLE}_insert")
    return True


def drop(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def ids_with_phone(digits: str, *, columns: tuple[str, ...]) -> RawSQL:
    """The ids of customers one of whose `columns` contains `digits` (SQLite; a subquery for
    `pk__in`). May include more than that: the caller keeps its exact test."""
    if not digits.isdigit() or len(digits) < MIN_DIGITS or not set(columns) <= set(COLUMNS):
        raise ValueError("digits (three or more) and phone columns expected")
    query = f'{{{" ".join(columns)}}} : "{digits}"'
    sql = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"  # noqa: S608 - constants
    return RawSQL(sql, [query])  # noqa: S611 - the digits are checked, and a parameter

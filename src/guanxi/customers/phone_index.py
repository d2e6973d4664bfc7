"""Partial-phone search from an index (ARC-7, issue 13): `mobile LIKE '%0013%'` without a scan.

PostgreSQL answers "contains" from pg_trgm GIN indexes on the phone columns (migrations 0003
and 0009). SQLite has no such index, so there `customers_phone_fts` — an FTS5 table with the
trigram tokenizer over the customer's mobile, office and home phone, its rows kept by triggers
on `customers_customer` (insert, delete, and updates of those three columns, whatever writes
them: services, bulk loads, raw SQL) — gives the ids whose phones contain the digits, and the
LIKE stays as the exact test. It stores no copy of the numbers (external content).

`ensure` (run by migration 0009 and after every `migrate`) re-creates missing triggers and
then rebuilds the index from the table (`sqlite_search`).
"""

from django.db.models.expressions import RawSQL

from guanxi.customers.sqlite_search import CUSTOMERS, TriggerKeptTable, customer_triggers

TABLE = "customers_phone_fts"
COLUMNS = ("mobile", "office_phone", "home_phone")
_NEW = ", ".join(f"new.{c}" for c in COLUMNS)
_OLD = ", ".join(f"old.{c}" for c in COLUMNS)
_NAMES = ", ".join(COLUMNS)
_DELETE_OLD = f"INSERT INTO {TABLE}({TABLE}, rowid, {_NAMES}) VALUES ('delete', old.id, {_OLD});"  # noqa: S608
_INSERT_NEW = f"INSERT INTO {TABLE}(rowid, {_NAMES}) VALUES (new.id, {_NEW});"  # noqa: S608
TRIGGERS = customer_triggers(
    TABLE, insert_new=_INSERT_NEW, delete_old=_DELETE_OLD, update_of=_NAMES
)
# The trigram tokenizer needs three characters: shorter fragments are not searched as phones.
MIN_DIGITS = 3


_TABLE = TriggerKeptTable(
    table=TABLE,
    create=(
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5({_NAMES}, tokenize='trigram', "
        f"content='{CUSTOMERS}', content_rowid='id')"
    ),
    triggers=TRIGGERS,
    fill=(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",),  # noqa: S608 - constant
)
ensure = _TABLE.ensure
suspend_insert_trigger = _TABLE.suspend_insert_trigger
drop = _TABLE.drop


def ids_with_phone(digits: str, *, columns: tuple[str, ...]) -> RawSQL:
    """The ids of customers one of whose `columns` contains `digits` (SQLite; a subquery for
    `pk__in`). May include more than that: the caller keeps its exact test."""
    if not digits.isdigit() or len(digits) < MIN_DIGITS or not set(columns) <= set(COLUMNS):
        raise ValueError("digits (three or more) and phone columns expected")
    query = f'{{{" ".join(columns)}}} : "{digits}"'
    sql = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"  # noqa: S608 - constants
    return RawSQL(sql, [query])  # noqa: S611 - the digits are checked, and a parameter

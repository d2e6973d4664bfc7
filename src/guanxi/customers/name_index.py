"""Name-contains search from an index on SQLite (ARC-7, issue 13): `name LIKE '%王秀%'`
without reading every row.

PostgreSQL has a GIN index on the names' character bigrams (migration 0004). SQLite has
none, and FTS5's trigram tokenizer needs three characters while Chinese searches are mostly
two. So `customers_name_bigram` holds, per customer, every two-character slice of the name
(ASCII letters lowered, as SQLite's LIKE compares them), primary key (bigram, customer):
the customers whose name contains a text of two or more characters are among those that
have every bigram of it, found by B-tree lookups; the LIKE stays as the exact test. Its rows
are kept by triggers on `customers_customer` (insert, delete, updates of the name), whatever
writes them: services, merges, bulk loads, raw SQL. A one-character search is a prefix test
of the name (its B-tree index) and needs nothing here.

`ensure` (run by migration 0010 and after every `migrate`) re-creates missing triggers and
then refills the table from the names (`sqlite_search`).
"""

from django.db.models.expressions import RawSQL

from guanxi.customers.sqlite_search import CUSTOMERS, TriggerKeptTable, customer_triggers

TABLE = "customers_name_bigram"
NAME_LENGTH = 100  # Customer.name's max_length: the positions a bigram can start at
_POSITIONS = "[" + ",".join(str(i) for i in range(1, NAME_LENGTH)) + "]"


def _bigrams(row: str, tables: str = "") -> str:
    """SELECT of the (bigram, customer id) pairs of `row` (new, or the alias of `tables`)."""
    name = f"lower({row}.name)"
    return (
        f"SELECT DISTINCT substr({name}, p.value, 2), {row}.id "  # noqa: S608 - constants
        f"FROM json_each('{_POSITIONS}') p{tables} WHERE p.value < length({row}.name)"
    )


_INSERT_NEW = f"INSERT OR IGNORE INTO {TABLE} (bigram, customer_id) {_bigrams('new')};"
_DELETE_OLD = (
    f"DELETE FROM {TABLE} WHERE customer_id = old.id AND bigram IN "  # noqa: S608
    f"(SELECT substr(lower(old.name), p.value, 2) FROM json_each('{_POSITIONS}') p "
    "WHERE p.value < length(old.name));"
)
TRIGGERS = customer_triggers(
    TABLE,
    insert_new=_INSERT_NEW,
    delete_old=_DELETE_OLD,
    update_of="name",
    when="old.name IS NOT new.name",
)


_TABLE = TriggerKeptTable(
    table=TABLE,
    create=(
        f"CREATE TABLE {TABLE} (bigram TEXT NOT NULL, customer_id INTEGER NOT NULL, "
        "PRIMARY KEY (bigram, customer_id)) WITHOUT ROWID"
    ),
    triggers=TRIGGERS,
    fill=(
        f"DELETE FROM {TABLE}",  # noqa: S608 - constant
        f"INSERT OR IGNORE INTO {TABLE} (bigram, customer_id) {_bigrams('c', f', {CUSTOMERS} c')}",
    ),
)
ensure = _TABLE.ensure
suspend_insert_trigger = _TABLE.suspend_insert_trigger
drop = _TABLE.drop


def ascii_lower(text: str) -> str:
    """Lowered as SQLite's lower() and LIKE fold case: ASCII letters only."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def ids_with_name(text: str) -> RawSQL:
    """The ids of customers whose name has every bigram of `text` (SQLite; a subquery for
    `pk__in`): all that contain it, maybe a few more — the caller keeps its exact test."""
    if len(text) < 2:
        raise ValueError("two or more characters expected")
    lowered = ascii_lower(text)
    grams = sorted({lowered[i : i + 2] for i in range(len(lowered) - 1)})
    select = f"SELECT customer_id FROM {TABLE} WHERE bigram = %s"  # noqa: S608 - constants
    return RawSQL(" INTERSECT ".join([select] * len(grams)), grams)  # noqa: S611 - parameters

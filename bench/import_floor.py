"""The database's own share of an import (issue 16, INTG-1): how fast PostgreSQL alone can
write what an import writes, with no Python in the way, as a floor under any importer.

It takes the rows a finished customer import wrote (its customers and, for them, the change
history, dedup keys, timeline entries, prospects, tag links, contacts and the import's own rows)
and has `--backends` connections each insert `--copies` copies of them at once, with new ids and
keys, as INSERT … SELECT from temporary tables: no parsing, no validation, no network round trip
a row. Foreign keys are checked as each statement ends (SET CONSTRAINTS ALL IMMEDIATE), since a
real import pays for them at its commits. Everything is rolled back.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/guanxi PYTHONPATH=src
    python bench/import_customers.py --rows 20000        # a finished import to copy
    python bench/import_floor.py --backends 2 --copies 3

The printed rows/s is an upper bound for an import on this machine: the importer's own work
(reading the file, validating each row, 查重) comes on top, on the same cores.
"""

import argparse
import contextlib
import os
import threading
import time

import psycopg
from psycopg import sql

# (table, key column that links a row to its customer, columns to shift, unique text column)
TABLES = [
    ("customers_customer", "id", ["id"], None),
    ("customers_historicalcustomer", "id", ["id"], None),
    ("customers_dedupkey", "customer_id", ["id", "customer_id"], "value"),
    ("customers_customertag", "customer_id", ["id", "customer_id"], None),
    ("customers_contact", "customer_id", ["id", "customer_id"], None),
    ("customers_timelineevent", "customer_id", ["id", "customer_id"], None),
    ("pipeline_prospect", "customer_id", ["customer_id"], None),
]
HISTORY_OF_CONTACTS = ("customers_historicalcontact", ["id", "customer_id"])
# integer columns (history_id, row_number) take a smaller shift of their own
SMALL_SHIFTED = {
    "customers_historicalcustomer": "history_id",
    "customers_historicalcontact": "history_id",
}
IMPORT_ROWS = "imports_importrow"
STEP = 10**9  # an id shift no existing id reaches
SMALL_STEP = 2 * 10**6  # rows of a table in one copy, at the most


def newest_batch(url: str) -> int:
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT batch_id FROM imports_importrow WHERE phase = 'run' AND outcome = 'new' "
            "ORDER BY batch_id DESC LIMIT 1"
        ).fetchone()
    if row is None:
        raise SystemExit("no finished import: run bench/import_customers.py first")
    return row[0]


def _copy_into_temp(cursor: psycopg.Cursor, table: str, temp: str, link: str) -> None:
    cursor.execute(
        sql.SQL(
            "CREATE TEMP TABLE {} AS SELECT * FROM {} WHERE {} IN (SELECT id FROM gx_ids)"
        ).format(sql.Identifier(temp), sql.Identifier(table), sql.Identifier(link))
    )


def _shift(
    cursor: psycopg.Cursor,
    temp: str,
    shifts: dict[str, int],
    *,
    unique: str | None = None,
    tag: str = "",
) -> None:
    """New ids (and, for a unique text column, new values) for a copy."""
    sets = [
        sql.SQL("{0} = {0} + {1}").format(sql.Identifier(column), sql.Literal(by))
        for column, by in shifts.items()
    ]
    if unique:
        sets.append(
            sql.SQL("{0} = left({0}, 100) || {1}").format(sql.Identifier(unique), sql.Literal(tag))
        )
    cursor.execute(
        sql.SQL("UPDATE {} SET {}").format(sql.Identifier(temp), sql.SQL(", ").join(sets))
    )


class Backend(threading.Thread):
    def __init__(self, url: str, batch: int, number: int, copies: int, start: threading.Barrier):
        super().__init__()
        self.url, self.batch, self.number, self.copies, self.start_line = (
            url,
            batch,
            number,
            copies,
            start,
        )
        self.seconds: dict[str, float] = {}
        self.rows: dict[str, int] = {}
        self.wall = 0.0
        self.failure: BaseException | None = None

    def _prepare(self, cursor: psycopg.Cursor) -> list[tuple[str, str]]:
        """Temporary copies of the batch's rows, one set a copy, ids and keys shifted."""
        cursor.execute(
            "CREATE TEMP TABLE gx_ids AS SELECT customer_id AS id FROM imports_importrow "
            "WHERE batch_id = %s AND phase = 'run' AND outcome = 'new'",
            [self.batch],
        )
        work = []
        for copy in range(self.copies):
            shift = STEP * (10 * (self.number + 1) + copy)
            small = 10**9 + SMALL_STEP * (self.number * self.copies + copy)
            tag = f"#{self.number}.{copy}"
            for table, link, shifted, unique in TABLES:
                temp = f"gx_{table}_{copy}"
                _copy_into_temp(cursor, table, temp, link)
                shifts = {column: shift for column in shifted}
                if table in SMALL_SHIFTED:
                    shifts[SMALL_SHIFTED[table]] = small
                _shift(cursor, temp, shifts, unique=unique, tag=tag)
                work.append((table, temp))
            table, shifted = HISTORY_OF_CONTACTS
            temp = f"gx_{table}_{copy}"
            _copy_into_temp(cursor, table, temp, "customer_id")
            _shift(cursor, temp, {**dict.fromkeys(shifted, shift), "history_id": small})
            work.append((table, temp))
            temp = f"gx_rows_{copy}"
            cursor.execute(
                sql.SQL(
                    "CREATE TEMP TABLE {} AS SELECT * FROM {} WHERE batch_id = %s AND phase = 'run'"
                ).format(sql.Identifier(temp), sql.Identifier(IMPORT_ROWS)),
                [self.batch],
            )
            _shift(cursor, temp, {"id": shift, "row_number": small, "customer_id": shift})
            work.append((IMPORT_ROWS, temp))
        return work

    def run(self) -> None:
        try:
            with psycopg.connect(self.url) as connection:
                cursor = connection.cursor()
                work = self._prepare(cursor)
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                self.start_line.wait()
                began = time.perf_counter()
                for table, temp in work:
                    started = time.perf_counter()
                    cursor.execute(
                        sql.SQL("INSERT INTO {} SELECT * FROM {}").format(
                            sql.Identifier(table), sql.Identifier(temp)
                        )
                    )
                    self.seconds[table] = self.seconds.get(table, 0.0) + (
                        time.perf_counter() - started
                    )
                    self.rows[table] = self.rows.get(table, 0) + cursor.rowcount
                self.wall = time.perf_counter() - began
                connection.rollback()
        except BaseException as exc:  # reported by main()
            self.failure = exc
            self.start_line.abort()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", type=int, default=2)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--batch", type=int, default=0, help="default: the newest import")
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    batch = args.batch or newest_batch(url)
    start = threading.Barrier(args.backends + 1)
    backends = [Backend(url, batch, n, args.copies, start) for n in range(args.backends)]
    for backend in backends:
        backend.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        start.wait()  # broken when a backend failed while preparing: raised below
    began = time.perf_counter()
    for backend in backends:
        backend.join()
    wall = time.perf_counter() - began
    for backend in backends:
        if backend.failure is not None:
            raise backend.failure
    customers = sum(b.rows["customers_customer"] for b in backends)
    print(f"import batch {batch}, {args.backends} backends × {args.copies} copies")
    print(f"{'table':32} {'rows':>9} {'s (sum of backends)':>20} {'µs a customer':>14}")
    for table in dict.fromkeys(t for t, _temp in backends[0].seconds.items()):
        rows = sum(b.rows[table] for b in backends)
        seconds = sum(b.seconds[table] for b in backends)
        print(f"{table:32} {rows:>9,} {seconds:>20.2f} {seconds / customers * 1e6:>14.1f}")
    print(
        f"{customers:,} customers written in {wall:.2f} s: {customers / wall:,.0f} customers/s "
        f"({sum(sum(b.seconds.values()) for b in backends) / customers * 1e6:.0f} µs of a "
        "backend a customer); rolled back"
    )


if __name__ == "__main__":
    main()

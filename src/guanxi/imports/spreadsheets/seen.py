"""The rows of the file a worker has judged so far, by duplicate key (INTG-1 查重 within the
file). A dict of them holds ~220 bytes a key — 290 MiB for a million customer rows — so past
SPILL keys they move to disk (issue 16: a worker's memory ≤ 500 MiB whatever the file size):
a private temporary SQLite database (an empty file name: on disk, deleted when closed, with a
page cache of 2 MiB) maps each key, written as its `repr`, to the row that had it first. A
chunk asks once for the keys its rows carry and adds its new keys once. The dict stays for
files of up to ~100,000 rows: asking SQLite costs ~6 µs a key, the dict well under one."""

import sqlite3
from collections.abc import Hashable, Iterable
from typing import Self

# keys asked for in one statement (SQLite's limit on parameters is 32,766)
_BATCH = 900
SPILL = 150_000  # keys held in memory (~33 MiB) before they go to disk


class SeenRows[K: Hashable]:
    def __init__(self) -> None:
        self._memory: dict[K, int] | None = {}
        self._db: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect("", isolation_level=None)
            self._db.execute("PRAGMA journal_mode = OFF")
            self._db.execute("PRAGMA synchronous = OFF")
            self._db.execute(
                "CREATE TABLE seen (key TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID"
            )
        return self._db

    def rows_of(self, keys: Iterable[K]) -> dict[K, int]:
        """The first row of each of `keys` seen so far (keys not seen are left out)."""
        if self._memory is not None:
            memory = self._memory
            return {key: memory[key] for key in keys if key in memory}
        wanted = {repr(key): key for key in keys}
        if not wanted or self._db is None:
            return {}
        found: dict[K, int] = {}
        texts = list(wanted)
        for start in range(0, len(texts), _BATCH):
            part = texts[start : start + _BATCH]
            marks = ",".join("?" * len(part))
            query = f"SELECT key, row FROM seen WHERE key IN ({marks})"  # noqa: S608 - marks only
            for text, row in self._db.execute(query, part):
                found[wanted[text]] = row
        return found

    def add(self, rows: Iterable[tuple[K, int]]) -> None:
        """Keys and the row that had them; a key already seen keeps its first row."""
        if self._memory is not None:
            for key, row in rows:
                self._memory.setdefault(key, row)
            if len(self._memory) <= SPILL:
                return
            rows, self._memory = list(self._memory.items()), None
        entries = [(repr(key), row) for key, row in rows]
        if entries:
            self._connection().executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)", entries)

    def close(self) -> None:
        self._memory = {}
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

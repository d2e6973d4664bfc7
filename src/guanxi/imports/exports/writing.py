"""Writing rows to .xlsx and .csv with constant memory, every text cell defused.

xlsx: the kernel's streaming writer (core/spreadsheets.py) puts each row into the zip as it
comes, so memory stays flat whatever the row count (bench/export_customers.py). csv: UTF-8
with a byte-order mark so that Excel opens Chinese text intact."""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from guanxi.core.spreadsheets import safe, write_xlsx


def write_rows(
    fmt: str,
    output: IO[bytes],
    *,
    header: list[str],
    rows: Iterable[list[Any]],
    sheet_title: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the header and the rows to `output` (binary); answers the number of rows."""
    count = 0
    if fmt == "csv":
        text = io.TextIOWrapper(output, encoding="utf-8-sig", newline="", write_through=False)
        writer = csv.writer(text)
        writer.writerow([safe(label) for label in header])
        for row in rows:
            writer.writerow([safe(value) for value in row])
            count += 1
            if progress is not None:
                progress(count)
        text.flush()
        text.detach()  # leave `output` open for the caller
        return count

    def counted() -> Iterator[list[Any]]:
        nonlocal count
        yield [safe(label) for label in header]
        for row in rows:
            yield [safe(value) for value in row]
            count += 1
            if progress is not None:
                progress(count)

    write_xlsx(output, sheet_title=sheet_title, rows=counted())
    return count

"""Reading an uploaded spreadsheet as rows of text, bounded whatever the file holds (INTG-1).

CSV is read in blocks with a cap on the length of a line, each line decoded on its own:
UTF-8 (with or without BOM) when it is UTF-8, else the legacy encoding charset-normalizer
detected for the file (GB18030 for the GBK family). A line in neither is reported as a bad
row, never guessed into mojibake. An .xlsx must be a zip whose members expand to a bounded
size at a bounded ratio (no zip bombs) before its first sheet is read: by python-calamine
when it is small enough to hold, else as a stream of rows (xlsx_stream). Cells come back as
their values (a formula as its cached result, a merged header cell once).
"""

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from guanxi.core.errors import ValidationFailed
from guanxi.imports.spreadsheets.xlsx_stream import RowTooLarge, first_sheet_bytes, sheet_rows

MAX_LINE_BYTES = 1024 * 1024
MAX_COLUMNS = 200
BLOCK = 1024 * 1024
SAMPLE = 512 * 1024
XLSX_MAX_EXPANDED = 1024 * 1024 * 1024
XLSX_MAX_RATIO = 200
# a larger first sheet is read as a stream (memory bounded by a batch of rows, not by the
# sheet):
# python-calamine needs ~85 MiB for a sheet of this size, ~140,000 rows of eight cells
CALAMINE_MAX_SHEET_BYTES = 64 * 1024 * 1024
_BIG5_FAMILY = {"big5", "big5hkscs", "cp950"}

Cell = str | dt.date | dt.datetime | dt.time | dt.timedelta | float | int | bool | None


@dataclass(frozen=True)
class Row:
    number: int  # the spreadsheet's row number (the header row is 1 when it is the first)
    cells: list[Cell]
    problem: str = ""  # set when the row could not be read (an undecodable line)


def refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={"file": [message]})


def file_kind(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        return "xlsx"
    if lowered.endswith((".csv", ".txt")):
        return "csv"
    raise refuse(_("Upload an .xlsx or .csv file."))


# ---------------------------------------------------------------- CSV


def detect_encoding(path: Path) -> str:
    """ "utf-8-sig", "utf-8" or the legacy codec of the file's non-UTF-8 bytes."""
    with path.open("rb") as handle:
        head = handle.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        legacy_sample = b""
        for block in iter(lambda: handle.read(BLOCK), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                legacy_sample = block[:SAMPLE]
                break
        else:
            return "utf-8"
    # imported when used: a web worker that never reads a legacy-encoded file does not hold
    # charset_normalizer (~4 MiB; the worker's memory budget, issue 13 §3)
    from charset_normalizer import from_bytes

    best = from_bytes(legacy_sample).best()
    name = (best.encoding if best else "gb18030").lower().replace("_", "")
    # Chinese legacy data is GB (GB18030 decodes all of GB2312 and GBK) unless the detector
    # is sure of traditional Big5; a western guess for such bytes would garble them
    return "big5" if name in _BIG5_FAMILY else "gb18030"


def _lines(path: Path) -> Iterator[bytes]:
    """The file's lines (with their line ends), none longer than MAX_LINE_BYTES."""
    with path.open("rb") as handle:
        pending = b""
        for block in iter(lambda: handle.read(BLOCK), b""):
            pending += block
            start = 0
            while True:
                end = pending.find(b"\n", start)
                if end < 0:
                    break
                yield pending[start : end + 1]
                start = end + 1
            pending = pending[start:]
            if len(pending) > MAX_LINE_BYTES:
                raise refuse(
                    _("A line of the file is longer than %(size)d KB: is it really a CSV file?")
                    % {"size": MAX_LINE_BYTES // 1024}
                )
        if pending:
            yield pending


class _Undecodable(Exception):
    pass


def _decoded(path: Path, encoding: str, bad: set[int]) -> Iterator[str]:
    legacy = encoding if not encoding.startswith("utf-8") else "gb18030"
    for index, raw in enumerate(_lines(path)):
        if index == 0 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = raw.decode(legacy)
            except UnicodeDecodeError:
                bad.add(index)
                text = "\n"
        yield text.replace("\x00", "")


def _csv_rows(path: Path, encoding: str) -> Iterator[Row]:
    bad: set[int] = set()
    reader = csv.reader(_decoded(path, encoding, bad))
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise refuse(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc
        number = reader.line_num
        if bad and number - 1 in bad:
            bad.discard(number - 1)
            problem = _("The row is in neither UTF-8 nor %(encoding)s.") % {
                "encoding": encoding.upper()
            }
            yield Row(number, [], problem)
            continue
        if len(cells) > MAX_COLUMNS:
            raise refuse(_("The file has more than %(count)d columns.") % {"count": MAX_COLUMNS})
        yield Row(number, list(cells))


# ---------------------------------------------------------------- xlsx


def check_xlsx(path: Path) -> None:
    """Refuse what is no .xlsx, or a zip that expands too far (a zip bomb)."""
    if not zipfile.is_zipfile(path):
        raise refuse(_("The file is not an Excel workbook (.xlsx)."))
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            expanded = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members) or 1
            names = {member.filename for member in members}
    except (zipfile.BadZipFile, OSError) as exc:
        raise refuse(_("The file is not an Excel workbook (.xlsx).")) from exc
    if expanded > XLSX_MAX_EXPANDED or expanded / packed > XLSX_MAX_RATIO:
        raise refuse(_("The workbook expands to an unreasonable size; it was refused."))
    if "[Content_Types].xml" not in names:
        raise refuse(_("The file is not an Excel workbook (.xlsx)."))


def _calamine_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    """The first sheet loaded whole by python-calamine: ~4× faster than the stream, and ~1.3
    bytes of memory a byte of sheet XML. Its rows start at row 1 but its cells at the first
    column used: the columns before it are put back, so that both readers place a cell in
    the same column."""
    # imported when used: a web worker that never reads a workbook does not hold calamine
    # (~1 MiB; the worker's memory budget, issue 13 §3)
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    lead: list[Cell] = [""] * (sheet.start[1] if sheet.start else 0)
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        yield number, [*lead, *cells][:MAX_COLUMNS]


def _xlsx_rows(path: Path) -> Iterator[Row]:
    check_xlsx(path)
    rows: Iterator[tuple[int, Sequence[Cell]]]
    try:
        if first_sheet_bytes(str(path)) <= CALAMINE_MAX_SHEET_BYTES:
            rows = _calamine_rows(path)
        else:
            rows = sheet_rows(str(path), max_columns=MAX_COLUMNS)
        for number, cells in rows:
            yield Row(number, [None if cell == "" else cell for cell in cells])
    except RowTooLarge as exc:
        raise refuse(_("The workbook expands to an unreasonable size; it was refused.")) from exc
    except Exception as exc:  # calamine's own error types, the stream's, zip's and XML's
        # raised where the file stops making sense, which may be after rows already read:
        # the batch then fails with this message (services.batch_process)
        raise refuse(
            _("The workbook cannot be read: %(error)s") % {"error": str(exc)[:200]}
        ) from exc


# ---------------------------------------------------------------- both


def rows_of(path: Path, *, kind: str, encoding: str) -> Iterator[Row]:
    """Every non-blank row of the file, the header row first."""
    source = _xlsx_rows(path) if kind == "xlsx" else _csv_rows(path, encoding)
    for row in source:
        if row.problem or any(cell not in (None, "") for cell in row.cells):
            yield row


def row_values(row: Row, mapping: dict[str, int]) -> dict[str, Cell]:
    """The mapped cells of a row by field key; blank text is None."""
    values: dict[str, Cell] = {}
    for key, index in mapping.items():
        cell = row.cells[index] if index < len(row.cells) else None
        if isinstance(cell, str):
            cell = cell.strip()
        values[key] = None if cell == "" else cell
    return values


def cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


def header_names(cells: list[Cell]) -> list[str]:
    """Header texts, a blank one (a merged cell's tail) named by its column, repeats numbered."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells, start=1):
        name = cell_text(cell).replace("\n", " ")[:60] or _("Column %(n)d") % {"n": index}
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        names.append(name)
    return names

"""The first sheet of an .xlsx read as a stream of rows (INTG-1), in memory bounded by a batch
of rows and the workbook's shared strings — not by the sheet, as a reader that loads the whole sheet
is (python-calamine held ~440 bytes a row: 840 MiB for a million rows of eight cells).

Cells come back as python-calamine gives them, so the rest of the import sees the same
values: text as str, numbers as float, booleans as bool, a number in a date format as a date
(a whole day), a datetime, or a time (under one day), one in a duration format ([h]:mm) as a
timedelta, a formula as its cached result, an empty cell as "". The shared strings are kept
as one UTF-8 buffer with offsets, a few bytes a string instead of a Python object each.
"""

import datetime as dt
import re
import zipfile
from array import array
from collections.abc import Callable, Iterator
from typing import IO
from xml.etree.ElementTree import XML, Element, iterparse, parse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
OFFICE_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_VALUE, _INLINE = f"{MAIN}v", f"{MAIN}is"
_TEXT, _RUN, _ITEM = f"{MAIN}t", f"{MAIN}r", f"{MAIN}si"

# Excel's built-in number formats that show a date or a time (the CJK ones included: a
# Chinese Excel writes 年/月/日 dates as ids 27-36 and 50-58); 46 is a duration
_DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), 45, 47, *range(50, 59)}
_DURATION_FORMAT_IDS = {46}
_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKETED = re.compile(r"\[([^\]]*)\]")
_ELAPSED = re.compile(r"^(h+|m+|s+)$", re.IGNORECASE)
_LAST_SERIAL = 2958465  # 9999-12-31
_EPOCH_1900 = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - see _moment
_EPOCH_1900_EARLY = dt.datetime(1899, 12, 31)  # noqa: DTZ001
_EPOCH_1904 = dt.datetime(1904, 1, 1)  # noqa: DTZ001

Value = str | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta


class WorkbookUnreadable(Exception):
    """The file is a zip but not a workbook this reader understands."""


class RowTooLarge(WorkbookUnreadable):
    """A row of the sheet is longer than MAX_ROW_BYTES: refused rather than held."""


class SharedStrings:
    """The workbook's string table as one UTF-8 buffer and the end offset of each string."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._ends = array("Q")

    def add(self, text: str) -> None:
        self._buffer += text.encode()
        self._ends.append(len(self._buffer))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        start = self._ends[index - 1] if index else 0
        return self._buffer[start : self._ends[index]].decode()


def _format_kind(code: str) -> str:
    """ "date", "duration" or "" for a custom number format code."""
    if any(_ELAPSED.match(part) for part in _BRACKETED.findall(code)):
        return "duration"
    plain = _BRACKETED.sub("", _QUOTED.sub("", code)).lower()
    return "date" if any(letter in plain for letter in "dmyhs") else ""


def _member(base: str, target: str) -> str:
    """A relationship's target as a member of the zip: absolute ("/xl/…") or under `base`."""
    return target.lstrip("/") if target.startswith("/") else f"{base}{target}"


def _parts(archive: zipfile.ZipFile) -> tuple[str, str, str, bool]:
    """The first sheet's member, the shared strings' and styles' members, and whether the
    workbook counts days from 1904."""
    with archive.open("xl/workbook.xml") as stream:
        workbook = _small_tree(stream)
    first = workbook.find(f"{MAIN}sheets/{MAIN}sheet")
    if first is None:
        raise WorkbookUnreadable("no sheet")
    properties = workbook.find(f"{MAIN}workbookPr")
    date1904 = properties is not None and properties.get("date1904") in ("1", "true")
    with archive.open("xl/_rels/workbook.xml.rels") as stream:
        relations = _small_tree(stream)
    targets: dict[str, str] = {}
    by_type: dict[str, str] = {}
    for relation in relations.iter(f"{PACKAGE_RELS}Relationship"):
        target = _member("xl/", relation.get("Target", ""))
        targets[relation.get("Id", "")] = target
        by_type[relation.get("Type", "").rsplit("/", 1)[-1]] = target
    sheet = targets.get(first.get(f"{OFFICE_RELS}id", ""))
    if sheet is None:
        raise WorkbookUnreadable("the first sheet has no part")
    # the parts' usual places when the relations do not name them
    shared = by_type.get("sharedStrings", "xl/sharedStrings.xml")
    return sheet, shared, by_type.get("styles", "xl/styles.xml"), date1904


def _small_tree(stream: IO[bytes]) -> Element:
    """A small part (the workbook, its relations, the styles) parsed whole."""
    return parse(stream).getroot()  # noqa: S314


def _item_text(item: Element) -> str:
    """A string item's text: its own <t>, or its runs' <t> (rich text), without phonetics."""
    own = item.find(_TEXT)
    if own is not None:
        return own.text or ""
    return "".join(run.findtext(_TEXT) or "" for run in item.iter(_RUN))


def _shared_strings(archive: zipfile.ZipFile, member: str) -> SharedStrings:
    strings = SharedStrings()
    if member not in archive.NameToInfo:
        return strings
    with archive.open(member) as stream:
        root = None
        for event, element in iterparse(stream, events=("start", "end")):  # noqa: S314
            if root is None:
                root = element
            elif event == "end" and element.tag == _ITEM:
                strings.add(_item_text(element))
                root.clear()  # the items read so far: the table stays a buffer, not a tree
    return strings


def _date_styles(archive: zipfile.ZipFile, member: str) -> dict[int, str]:
    """The cell styles (by index) whose number format shows a date or a duration."""
    if member not in archive.NameToInfo:
        return {}
    with archive.open(member) as stream:
        styles = _small_tree(stream)
    custom = {
        int(entry.get("numFmtId", "0")): entry.get("formatCode", "")
        for entry in styles.iter(f"{MAIN}numFmt")
    }
    kinds: dict[int, str] = {}
    cell_formats = styles.find(f"{MAIN}cellXfs")
    for index, style in enumerate(cell_formats if cell_formats is not None else ()):
        number_format = int(style.get("numFmtId", "0"))
        if number_format in custom:
            kind = _format_kind(custom[number_format])
        elif number_format in _DURATION_FORMAT_IDS:
            kind = "duration"
        else:
            kind = "date" if number_format in _DATE_FORMAT_IDS else ""
        if kind:
            kinds[index] = kind
    return kinds


def _moment(serial: float, *, kind: str, date1904: bool) -> Value:
    """A serial number in a date or duration format, as python-calamine reads it."""
    if kind == "duration":
        return dt.timedelta(days=serial)
    if not 0 <= serial <= _LAST_SERIAL:
        return serial
    # no zone: a spreadsheet's moments are local, the import makes them aware. Excel counts
    # a 29 February 1900 that never was: serials before it start a day later
    base = _EPOCH_1904 if date1904 else _EPOCH_1900 if serial >= 60 else _EPOCH_1900_EARLY
    moment = base + dt.timedelta(milliseconds=round(serial * 86_400_000))
    if serial < 1:
        return moment.time()
    if moment.time() == dt.time():
        return moment.date()
    return moment


_COLUMNS: dict[str, int] = {}


def _column(reference: str) -> int:
    """0 for column A of a reference like "AB12"."""
    letters = reference.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        number = 0
        for letter in letters.upper():
            number = number * 26 + (ord(letter) - 64)
        index = _COLUMNS[letters] = number - 1
    return index


def _cell_value(
    cell: Element, strings: SharedStrings, styles: dict[int, str], date1904: bool
) -> Value:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(_INLINE)
        return _item_text(inline) if inline is not None else ""
    raw = cell.findtext(_VALUE)
    if not raw:  # no value, or an empty one (a formula never calculated)
        return ""
    if kind == "s":
        return strings[int(raw)]
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind == "n":
        number = float(raw)
        style = styles.get(int(cell.get("s", "0"))) if styles else None
        return _moment(number, kind=style, date1904=date1904) if style else number
    if kind == "d":
        return dt.datetime.fromisoformat(raw)
    return raw  # a formula's text result ("str") or an error ("e", like #DIV/0!)


def _width(reference: str | None) -> int:
    """The sheet's width from its <dimension ref="A1:J100">: rows are padded to it."""
    if not reference or ":" not in reference:
        return 0
    return _column(reference.split(":", 1)[1]) + 1


_SHEET_START = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?sheetData\b[^>]*?(/?)>")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref=\"([^\"]*)\"")
_NAMESPACES = re.compile(rb"\sxmlns(:[\w.-]+)?=\"[^\"]*\"")
_BLOCK = 256 * 1024  # a batch of ~500 rows: a few MiB of elements
MAX_ROW_BYTES = 16 * 1024 * 1024  # a longer row is refused, not held


def _row_batches(stream: IO[bytes]) -> Iterator[tuple[Element, int]]:
    """The sheet's rows a batch at a time, each batch parsed whole by the C parser (an
    element with the rows as children), and the width its <dimension> gives.

    The sheet is cut after the last "</row>" of each block read: markup cannot occur inside
    text, which escapes "<". The namespaces the root declares are declared again on the
    batch, so a prefixed sheet (<x:row>) parses as an unprefixed one does."""
    head = b""
    while True:
        block = stream.read(_BLOCK)
        head += block
        found = _SHEET_START.search(head)
        if found or not block or len(head) > 16 * _BLOCK:
            break
    if found is None:
        raise WorkbookUnreadable("no sheet data")
    dimension = _DIMENSION.search(head, 0, found.start())
    width = _width(dimension.group(1).decode() if dimension else None)
    if found.group(2):  # <sheetData/>: no rows
        return
    prefix = found.group(1) + b":" if found.group(1) else b""
    declared: dict[bytes, bytes] = {}  # the first declaration of each prefix (the root's)
    for declaration in _NAMESPACES.finditer(head, 0, found.start()):
        declared.setdefault(declaration.group(1) or b"", declaration.group(0))
    opening = b"<batch" + b"".join(declared.values()) + b">"
    row_end, sheet_end = b"</" + prefix + b"row>", b"</" + prefix + b"sheetData>"
    pending = head[found.end() :]
    while True:
        block = stream.read(_BLOCK)
        pending += block
        finished = sheet_end in pending or not block
        cut = len(pending) if finished else pending.rfind(row_end) + len(row_end)
        if cut >= len(row_end):
            part = pending[:cut]
            if finished:
                part = part.split(sheet_end, 1)[0]
            yield XML(opening + part + b"</batch>"), width
            pending = pending[cut:]
        elif len(pending) > MAX_ROW_BYTES:
            raise RowTooLarge()
        if finished:
            return


def first_sheet_bytes(path: str) -> int:
    """The size of the first sheet's XML once inflated."""
    with zipfile.ZipFile(path) as archive:
        sheet = _parts(archive)[0]
        return archive.getinfo(sheet).file_size


def sheet_rows(path: str, *, max_columns: int) -> Iterator[tuple[int, list[Value]]]:
    """(the row's number in the sheet, its cells from column A) for each row of the first
    sheet, at most `max_columns` cells a row. Raises WorkbookUnreadable (or zipfile's,
    ElementTree's and ValueError's errors) for a file that is not a workbook it can read."""
    with zipfile.ZipFile(path) as archive:
        sheet, shared, styles_member, date1904 = _parts(archive)
        strings = _shared_strings(archive, shared)
        styles = _date_styles(archive, styles_member)

        def value(cell: Element) -> Value:
            return _cell_value(cell, strings, styles, date1904)

        count = 0
        with archive.open(sheet) as stream:
            for batch, sheet_width in _row_batches(stream):
                width = min(sheet_width, max_columns)
                for row in batch:
                    count = int(row.get("r") or count + 1)
                    yield count, _row_cells(row, value, width=width, max_columns=max_columns)


def _row_cells(
    row: Element, value: Callable[[Element], Value], *, width: int, max_columns: int
) -> list[Value]:
    """A row's cells from column A, padded to `width`, at most `max_columns`. Cells are placed
    by their references only when the row has gaps: a row without them (its last cell in the
    column its count gives) is read in order."""
    size = len(row)
    last = row[size - 1].get("r") if size else None
    if last is None or _column(last) == size - 1:
        cells = [value(cell) for cell in row[:max_columns]]
    else:
        cells = []
        for position, cell in enumerate(row):
            reference = cell.get("r")
            index = _column(reference) if reference else position
            if index >= max_columns:
                break
            if index >= len(cells):
                cells.extend([""] * (index + 1 - len(cells)))
            cells[index] = value(cell)
    if len(cells) < width:
        cells.extend([""] * (width - len(cells)))
    return cells

"""Spreadsheet cells and a streaming .xlsx writer, shared by every export (the list exports
of `imports`, the complaint statistics of `service`).

`safe()` defuses cell text a spreadsheet program would run as a formula (CSV injection).

The writer puts sheets of values row by row into the zip, so memory stays flat and a million
rows take seconds, not minutes.

openpyxl's write-only workbook (what the request-time exports use) is flat in memory too, but
without lxml it wrote ~1,500 rows/s here (bench/export_customers.py): a million customers in
eleven minutes against the two the issue allows. The parts below are the minimal SpreadsheetML
package (ECMA-376): content types, the workbook and its worksheets, and a style sheet with a
date format; strings are inline (no shared-string table to hold in memory)."""

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CELL_MAX = 32767  # Excel's limit of characters in a cell
EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system (after its leap-year bug)
# characters XML 1.0 does not allow (a cell with one would make the file unreadable)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ROWS_PER_WRITE = 500
TITLE_MAX = 31  # Excel's limit of characters in a sheet's name
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> Any:
    """Keep spreadsheet programs from running cell text as a formula (CSV injection): text
    starting with = + - @ or a tab or carriage return gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
{sheets}<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""
SHEET_TYPE = """<Override PartName="/xl/worksheets/sheet{n}.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"""
ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{RELS}">{{sheets}}<Relationship Id="rId0" Type="{DOC_RELS}/styles" \
Target="styles.xml"/></Relationships>"""
SHEET_REL = f"""<Relationship Id="rId{{n}}" Type="{DOC_RELS}/worksheet" \
Target="worksheets/sheet{{n}}.xml"/>"""
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font>\
</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>\
<patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/>\
<top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" \
fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" \
fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" \
borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1">\
<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def _cell(value: Any) -> str:
    """One cell. Cells carry no reference: they follow each other in their row (an empty one
    is written as <c/> so that the next keeps its column), which ECMA-376 allows and saves a
    fifth of the writing."""
    if type(value) is str:  # the common case first
        if not value:
            return "<c/>"
        text = escape(_ILLEGAL.sub("", value[:CELL_MAX]))
        return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if value is None:
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f"<c><v>{value}</v></c>"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f'<c s="1"><v>{(value - EPOCH).days}</v></c>'
    return _cell(str(value))


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its name and its rows (the first is the header), read once
    while the sheet is written."""

    title: str
    rows: Iterable[list[Any]]


def _titles(sheets: Sequence[Sheet]) -> list[str]:
    """Names Excel accepts: no [ ] : * ? / \\, at most 31 characters, none empty, and
    unique regardless of case (a repeated name is numbered)."""
    out: list[str] = []
    taken: set[str] = set()
    for number, sheet in enumerate(sheets, start=1):
        title = _ILLEGAL.sub("", sheet.title).translate(str.maketrans("", "", "[]:*?/\\"))
        title = title.strip().strip("'")[:TITLE_MAX] or f"Sheet{number}"
        base, copy = title, 1
        while title.casefold() in taken:
            copy += 1
            suffix = f" ({copy})"
            title = base[: TITLE_MAX - len(suffix)] + suffix
        taken.add(title.casefold())
        out.append(title)
    return out


def _write_sheet(zf: zipfile.ZipFile, number: int, rows: Iterable[list[Any]]) -> int:
    count = -1
    with zf.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as sheet:
        sheet.write(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
        )
        chunk: list[str] = []
        for count, row in enumerate(rows):
            chunk.append(f'<row r="{count + 1}">{"".join(map(_cell, row))}</row>')
            if len(chunk) >= ROWS_PER_WRITE:
                sheet.write("".join(chunk).encode())
                chunk = []
        sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    return count


def write_workbook(output: IO[bytes], *, sheets: Sequence[Sheet]) -> list[int]:
    """Write the sheets, in order, as one workbook; answers each sheet's number of rows after
    its header. Cell values are written as given: pass text through `safe()` first."""
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    numbers = range(1, len(sheets) + 1)
    entries = "".join(
        f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
        for n, title in zip(numbers, _titles(sheets), strict=True)
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" '
        f'xmlns:r="{DOC_RELS}"><sheets>{entries}</sheets></workbook>'
    )
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(
            "[Content_Types].xml",
            CONTENT_TYPES.format(sheets="".join(SHEET_TYPE.format(n=n) for n in numbers)),
        )
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            WORKBOOK_RELS.format(sheets="".join(SHEET_REL.format(n=n) for n in numbers)),
        )
        zf.writestr("xl/styles.xml", STYLES)
        return [_write_sheet(zf, n, sheet.rows) for n, sheet in zip(numbers, sheets, strict=True)]


def write_xlsx(output: IO[bytes], *, sheet_title: str, rows: Iterable[list[Any]]) -> int:
    """Write `rows` (the first is the header) as a one-sheet workbook; answers the number of
    rows after the header."""
    return write_workbook(output, sheets=[Sheet(title=sheet_title, rows=rows)])[0]


@dataclass(frozen=True)
class WrittenExport:
    """An export written already, small enough to send in the request that asked for it: the
    caller hands `file` over (`core.http.file_download`) and closes it."""

    file: IO[bytes]
    filename: str
    content_type: str
    rows: int

"""The .xlsx stream reader (INTG-1, issue 16: worker memory bounded whatever the file size)
reads what python-calamine reads, from workbooks Excel-like writers make: shared strings and
rich text, inline strings, numbers, booleans, dates, times and durations by their number
format (the CJK built-in ids included), formulas, gaps, a sheet that starts below A1, a
prefixed namespace, and its memory does not grow with the rows."""

import datetime as dt
import io
import resource
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from guanxi.imports.spreadsheets import reading, xlsx_stream
from guanxi.imports.spreadsheets.xlsx_stream import WorkbookUnreadable, sheet_rows

# a spreadsheet's moments have no zone (the import makes them aware)
NAIVE_MORNING = dt.datetime(2026, 1, 5, 9, 30)  # noqa: DTZ001


def _save(workbook: Workbook, tmp_path: Path, name: str = "w.xlsx") -> Path:
    path = tmp_path / name
    workbook.save(path)
    return path


def _both(path: Path) -> tuple[list, list]:
    stream = list(sheet_rows(str(path), max_columns=reading.MAX_COLUMNS))
    whole = list(reading._calamine_rows(path))
    return stream, whole


def _mixed_workbook() -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "手机", "金额", "已签", "生日", "首次联系", "时长", "备注"])
    sheet.append(["赵六", "13900139004", 12.5, True, dt.date(1990, 1, 1), None, None, "=1+1"])
    sheet.append(["钱七", 13900139005, 3, False, None, NAIVE_MORNING])
    sheet["G3"] = dt.time(9, 30)
    sheet["E4"] = 46027
    sheet["E4"].number_format = 'yyyy"年"m"月"d"日"'
    sheet["F4"] = 46027.5
    sheet["F4"].number_format = "yyyy/m/d h:mm"
    sheet["G4"] = 1.25
    sheet["G4"].number_format = "[h]:mm:ss"
    sheet["C4"] = 46027
    sheet["C4"].number_format = "[Red]0.00"
    sheet["A4"] = CellRichText(["孙", TextBlock(InlineFont(b=True), "八")])
    sheet["H6"] = "隔行"  # a gap: rows 5 and 6's first columns are empty
    return workbook


def test_the_stream_reads_what_calamine_reads(tmp_path):
    stream, whole = _both(_save(_mixed_workbook(), tmp_path))
    assert [number for number, _cells in stream] == [1, 2, 3, 4, 6]
    whole_by_number = dict(whole)
    for number, cells in stream:
        assert cells == whole_by_number[number], number
    assert stream[1][1][:5] == ["赵六", "13900139004", 12.5, True, dt.date(1990, 1, 1)]
    assert stream[3][1][0] == "孙八"  # rich text, its runs joined
    assert stream[3][1][4] == dt.date(2026, 1, 5)  # a custom 年月日 format
    assert stream[3][1][5] == NAIVE_MORNING.replace(hour=12, minute=0)
    assert stream[3][1][6] == dt.timedelta(days=1, hours=6)  # [h]:mm:ss
    assert stream[3][1][2] == 46027.0  # a number format with a colour is no date


def test_a_sheet_starting_below_a1_is_numbered_and_placed_from_a1_by_both(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet["C3"] = "客户名称"
    sheet["D3"] = "手机号"
    sheet["C4"] = "李四"
    sheet["D4"] = "13900139006"
    stream, whole = _both(_save(workbook, tmp_path))
    assert stream == [(3, ["", "", "客户名称", "手机号"]), (4, ["", "", "李四", "13900139006"])]
    # calamine yields the blank rows 1 and 2 too; the import skips blank rows either way
    assert [(n, cells) for n, cells in whole if any(cells)] == stream


def _rezip(path: Path, change) -> Path:
    """The workbook with each member's text passed through `change(name, text)`."""
    out = path.with_name("changed.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith((".xml", ".rels")):
                data = change(info.filename, data.decode()).encode()
            target.writestr(info, data)
    return out


def test_shared_strings_a_prefixed_namespace_and_1904_dates(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["客户名称", "生日"])
    sheet.append(["周九", dt.date(2026, 1, 5)])
    path = _save(workbook, tmp_path)

    def prefixed(name: str, text: str) -> str:
        if name == "xl/worksheets/sheet1.xml":
            main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            text = text.replace(main, main.replace("xmlns=", "xmlns:x="))
            text = text.replace("<", "<x:").replace("<x:/", "</x:").replace("<x:?", "<?")
        if name == "xl/workbook.xml":
            text = text.replace("<workbookPr />", '<workbookPr date1904="1" />')
        return text

    changed = _rezip(path, prefixed)
    rows = list(sheet_rows(str(changed), max_columns=10))
    # openpyxl wrote 46027 (days since 1899-12-30); read from 1904 it is four years later
    assert rows == [(1, ["客户名称", "生日"]), (2, ["周九", dt.date(2030, 1, 6)])]


def test_shared_strings_are_read_by_index(tmp_path):
    strings = ["客户名称", "手机号", "吴十", "13900139007"]
    items = "".join(f"<si><t>{s}</t></si>" for s in strings[:3])
    items += "<si><r><t>1390013</t></r><r><rPr/><t>9007</t></r><rPh><t>ふりがな</t></rPh></si>"
    workbook = Workbook()
    workbook.active.append(["x"])
    path = _save(workbook, tmp_path)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    cells = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
    )

    def with_table(name: str, text: str) -> str:
        if name == "xl/worksheets/sheet1.xml":
            start = text.index("<sheetData")
            end = text.index("</sheetData>") + len("</sheetData>")
            return text[:start] + f"<sheetData>{cells}</sheetData>" + text[end:]
        if name == "xl/_rels/workbook.xml.rels":
            kind = (
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
            )
            return text.replace(
                "</Relationships>",
                f'<Relationship Id="rIdS" Type="{kind}" Target="sharedStrings.xml"/>'
                "</Relationships>",
            )
        return text

    changed = _rezip(path, with_table)
    with zipfile.ZipFile(changed, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">{items}</sst>')
    assert list(sheet_rows(str(changed), max_columns=10)) == [
        (1, ["客户名称", "手机号"]),
        (2, ["吴十", "13900139007"]),  # rich text without its phonetic reading
    ]


def test_a_sheet_broken_after_its_first_rows_is_refused_with_the_workbook_message(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(reading, "CALAMINE_MAX_SHEET_BYTES", 0)  # every sheet is streamed
    workbook = Workbook()
    workbook.active.append(["客户名称"])
    path = _save(workbook, tmp_path)
    broken = _rezip(
        path,
        lambda name, text: (
            text.replace("</sheetData>", "<row><c><v>1</v></row></sheetData>")
            if name == "xl/worksheets/sheet1.xml"
            else text
        ),
    )
    with pytest.raises(reading.ValidationFailed) as refused:
        list(reading.rows_of(broken, kind="xlsx", encoding=""))
    assert "无法读取该工作簿" in str(refused.value.message)  # "The workbook cannot be read"


def test_a_prefix_declared_twice_before_the_rows_is_declared_once(tmp_path):
    workbook = Workbook()
    workbook.active.append(["客户名称"])
    path = _save(workbook, tmp_path)
    markup = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    twice = _rezip(
        path,
        lambda name, text: (
            text.replace("<worksheet ", f'<worksheet xmlns:mc="{markup}" ', 1).replace(
                "<sheetPr>", f'<sheetPr xmlns:mc="{markup}">', 1
            )
            if name == "xl/worksheets/sheet1.xml"
            else text
        ),
    )
    assert list(sheet_rows(str(twice), max_columns=10)) == [(1, ["客户名称"])]


def test_a_row_larger_than_the_bound_is_refused_not_held(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_stream, "MAX_ROW_BYTES", 100_000)
    workbook = Workbook()
    workbook.active.append(["客户名称"])
    # a megabyte of one row's cells (Excel caps a cell at 32,767 characters, a row it does not)
    cells = "".join(f'<c t="inlineStr"><is><t>{"x" * 1000}</t></is></c>' for _ in range(1000))
    huge = _rezip(
        _save(workbook, tmp_path),
        lambda name, text: (
            text.replace("</sheetData>", f"<row>{cells}</row></sheetData>")
            if name == "xl/worksheets/sheet1.xml"
            else text
        ),
    )
    with pytest.raises(WorkbookUnreadable):
        list(sheet_rows(str(huge), max_columns=10))
    monkeypatch.setattr(reading, "CALAMINE_MAX_SHEET_BYTES", 0)
    with pytest.raises(reading.ValidationFailed) as refused:
        list(reading.rows_of(huge, kind="xlsx", encoding=""))
    assert "大小异常" in str(refused.value.message)  # "…expands to an unreasonable size…"


def test_a_workbook_without_a_sheet_is_refused(tmp_path):
    path = _save(Workbook(), tmp_path)
    changed = _rezip(
        path,
        lambda name, text: (
            text.split("<sheets>")[0] + "</workbook>" if name == "xl/workbook.xml" else text
        ),
    )
    with pytest.raises(WorkbookUnreadable):
        list(sheet_rows(str(changed), max_columns=10))


def test_memory_stays_flat_as_the_rows_grow(tmp_path):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["客户名称", "手机号", "邮箱", "备注"])
    for index in range(120_000):
        sheet.append([f"客户{index}", f"139{index:08d}", f"c{index}@example.cn", "导入" * 10])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "big.xlsx"
    path.write_bytes(buffer.getvalue())
    del buffer, workbook
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    count = sum(1 for _row in sheet_rows(str(path), max_columns=10))
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert count == 120_001
    # calamine holds such a sheet whole (~60 MiB); the stream a batch of rows
    assert grown_mib < 30

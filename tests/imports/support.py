"""Spreadsheet files for the import tests, built in memory."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook


def csv_upload(rows: list[list[str]], *, encoding: str = "utf-8", name: str = "c.csv"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_bytes(rows: list[list[object]], *, merge: str = "") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(rows: list[list[object]], *, merge: str = "", name: str = "c.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(rows, merge=merge))


HEADER = ["客户名称", "手机号", "邮箱", "省", "市", "负责人", "来源", "标签", "生日"]


def person_rows(count: int, *, start: int = 0) -> list[list[str]]:
    return [
        [
            f"测试客户{start + i}",
            f"139{start + i:08d}",
            f"c{start + i}@example.cn",
            "广东",
            "深圳",
            "",
            "",
            "VIP，老客户",
            "1990/1/5",
        ]
        for i in range(count)
    ]

"""Spreadsheet notations turned into what the archive's validation takes (INTG-1): dates as
2026/1/5, 2026年1月5日, 2026.1.5, 20260105 or an Excel serial number; amounts with 万/亿/元,
currency signs and thousands separators; choices by their value or their Chinese or English
label. The rules themselves stay the archive's (customers.archive.validation)."""

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.utils import translation

from guanxi.imports.spreadsheets.reading import Cell

_DATE = re.compile(
    r"^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})秒?)?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_AMOUNT_NOISE = re.compile(r"[\s,，¥￥$]|RMB|CNY|人民币|元")
_GENDERS = {"男": "M", "男性": "M", "先生": "M", "女": "F", "女性": "F", "女士": "F"}


def _serial(number: float) -> dt.datetime | None:
    # Excel's day numbers: 1 = 1900-01-01 (with its 1900 leap-year bug, hence the 30th)
    if 1 <= number < 2958466:
        return dt.datetime.combine(_EXCEL_EPOCH, dt.time()) + dt.timedelta(days=number)
    return None


def as_moment(cell: Cell) -> dt.datetime | str | None:
    """A naive datetime for a date or time in any of the notations; the text itself when it
    is none of them (the validation then refuses it with its own message)."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, dt.datetime):
        return cell
    if isinstance(cell, dt.date):
        return dt.datetime.combine(cell, dt.time())
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return _serial(float(cell)) or str(cell)
    text = unicodedata.normalize("NFKC", str(cell)).strip()
    match = _DATE.match(text)
    try:
        if match:
            year, month, day, hour, minute, second = match.groups()
            # naive on purpose: local time, made aware in TIME_ZONE by the validation
            return dt.datetime(  # noqa: DTZ001
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
            )
        match = _COMPACT.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return dt.datetime(year, month, day)  # noqa: DTZ001
        if re.fullmatch(r"\d{4,5}(\.\d+)?", text):
            return _serial(float(text)) or text
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return text


def as_day(cell: Cell) -> dt.date | str | None:
    moment = as_moment(cell)
    return moment.date() if isinstance(moment, dt.datetime) else moment


def as_amount(cell: Cell) -> Decimal | str | None:
    """A Decimal of two places for 1.5万, ¥12,300.00, 3亿元 …; the text when it is no amount."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return Decimal(str(cell)).quantize(Decimal("0.01"))
    text = _AMOUNT_NOISE.sub("", unicodedata.normalize("NFKC", str(cell)))
    factor = Decimal(1)
    if text.endswith("万"):
        factor, text = Decimal(10000), text[:-1]
    elif text.endswith("亿"):
        factor, text = Decimal(100000000), text[:-1]
    try:
        number = Decimal(text) * factor
    except InvalidOperation:
        return str(cell)
    if not number.is_finite():
        return str(cell)
    return number.quantize(Decimal("0.01"))


@cache
def _choice_index(choices: Any) -> dict[str, str]:
    index: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices.choices:
                index.setdefault(str(label).lower(), str(value))
    for value, _label in choices.choices:
        index[str(value).lower()] = str(value)
    if choices.__name__ == "Gender":
        index.update(_GENDERS)
    return index


def as_choice(cell: Cell, choices: Any) -> str:
    # (Any: django-stubs types a TextChoices subclass by its metaclass)
    """The value of the choice whose value or label (in Chinese or English) is the cell's
    text; the text itself when none is (the validation refuses it)."""
    text = unicodedata.normalize("NFKC", str(cell or "")).strip()
    return _choice_index(choices).get(text.lower(), text)

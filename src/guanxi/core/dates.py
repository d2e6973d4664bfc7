"""Dates given to the services (as dates, datetimes or ISO text), and calendar months."""

import calendar
import datetime as dt

from django.utils.translation import gettext as _


def as_date(value: object) -> dt.date | None:
    """None for None or ""; the date of a date, a datetime or ISO text (ValueError if not one)."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def clean_date(value: object, *, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    """`as_date`, a value that is no date noted in the field errors (`errors[field]`)."""
    try:
        return as_date(value)
    except ValueError:
        errors[field] = [_("Enter a valid date.")]
        return None


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last day of the month of `day`."""
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months (back when negative), on the last day of the month reached
    where that month is shorter: 31 January + 1 month is 28 or 29 February. A month's first
    day stays a first day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))

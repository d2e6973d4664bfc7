"""Dates given to the services: as dates, datetimes (their date) or ISO text."""

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

"""Local days as instants: lists and reports filter by the day the user picks, while rows
store the instant (UTC), so a day is bounded by its midnights in the site's zone."""

import datetime as dt

from django.utils import timezone


def local_midnight(day: dt.date) -> dt.datetime:
    """The first instant of `day` in the current time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def local_day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of `first` to the start of the day after `last` (half open)."""
    return local_midnight(first), local_midnight(last + dt.timedelta(days=1))


def on_local_days(
    field: str, first: dt.date | None, last: dt.date | None
) -> dict[str, dt.datetime]:
    """Lookups keeping the rows whose datetime `field` falls on the days `first` to `last`
    (both included); an end not given leaves that side open."""
    lookups = {}
    if first:
        lookups[f"{field}__gte"] = local_midnight(first)
    if last:
        lookups[f"{field}__lt"] = local_midnight(last + dt.timedelta(days=1))
    return lookups

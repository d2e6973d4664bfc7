"""When a touch is due (CARE-2): the trigger's moment plus the rule's offset, moved into
business hours when the rule asks for it, and out of the customer's quiet hours for a
message (deferred to the end of the quiet hours, never dropped).

Local time is the site's TIME_ZONE (customers carry no zone of their own). Business hours
are 09:00–18:00 on Monday to Friday: Guanxi keeps no working calendar, so a public holiday
on a weekday counts as a working day (docs/decisions.md)."""

import datetime as dt
import zoneinfo

from django.conf import settings

from guanxi.care.models import CareRule

BUSINESS_START = dt.time(9, 0)
BUSINESS_END = dt.time(18, 0)
QUIET_FROM = dt.time(21, 0)
QUIET_UNTIL = dt.time(8, 0)
# The moment of a date (a birthday, a planned delivery day) when the trigger names no time.
DAY_MOMENT = dt.time(10, 0)


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def day_moment(day: dt.date) -> dt.datetime:
    """A date's moment: 10:00 local (inside business hours, outside quiet hours)."""
    return dt.datetime.combine(day, DAY_MOMENT, tzinfo=local_zone())


def offset_delta(*, offset: int, unit: str) -> dt.timedelta:
    if unit == CareRule.Unit.DAYS:
        return dt.timedelta(days=offset)
    return dt.timedelta(hours=offset)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5


def into_business_hours(moment: dt.datetime) -> dt.datetime:
    """The moment itself inside 09:00–18:00 of a working day, else the next opening."""
    zone = local_zone()
    local = moment.astimezone(zone)
    day = local.date()
    if is_working_day(day) and BUSINESS_START <= local.time() < BUSINESS_END:
        return moment
    if is_working_day(day) and local.time() < BUSINESS_START:
        return dt.datetime.combine(day, BUSINESS_START, tzinfo=zone)
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, BUSINESS_START, tzinfo=zone)


def in_quiet_hours(moment: dt.datetime, *, quiet_from: dt.time, quiet_until: dt.time) -> bool:
    at = moment.astimezone(local_zone()).time()
    if quiet_from == quiet_until:
        return False
    if quiet_from < quiet_until:  # e.g. 12:00–14:00
        return quiet_from <= at < quiet_until
    return at >= quiet_from or at < quiet_until  # across midnight, e.g. 21:00–08:00


def out_of_quiet_hours(
    moment: dt.datetime,
    *,
    quiet_from: dt.time | None = None,
    quiet_until: dt.time | None = None,
) -> dt.datetime:
    """The moment, or the end of the quiet hours it falls in (the default 21:00–08:00)."""
    start = quiet_from or QUIET_FROM
    end = quiet_until or QUIET_UNTIL
    if not in_quiet_hours(moment, quiet_from=start, quiet_until=end):
        return moment
    zone = local_zone()
    local = moment.astimezone(zone)
    day = local.date()
    if start > end and local.time() >= start:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=zone)


def touch_due_at(*, rule: CareRule, moment: dt.datetime) -> dt.datetime:
    """When the rule's touch for a trigger at `moment` is due (with the default quiet hours;
    the runner defers again for a customer's own quiet hours)."""
    due = moment + offset_delta(offset=rule.offset, unit=rule.offset_unit)
    if rule.business_hours:
        due = into_business_hours(due)
    if rule.action == CareRule.Action.MESSAGE:
        due = out_of_quiet_hours(due)
        if rule.business_hours:
            due = into_business_hours(due)
    return due.astimezone(dt.UTC)

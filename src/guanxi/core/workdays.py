"""The working calendar: business minutes in Asia/Shanghai across nights, weekends, public
holidays and 调休 make-up working days (CMP-2's response and resolution targets count in it).

A day works when it is Monday to Friday, unless a `CalendarDay` row says otherwise (a public
holiday: not working; a make-up day on a weekend: working). The rows ship from the
`chinese-calendar` package (`shipped_days`, loaded by a data migration and by
`guanxi calendar_load`) and are data an administrator edits. Working hours are the periods of
`settings.GUANXI_WORKING_HOURS` ("09:00-12:00,13:00-18:00").

One query per call loads every override (a few hundred rows); code that computes many
deadlines at once builds one `WorkCalendar` and passes it as `calendar=`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import NotFound, invalid_field
from guanxi.core.models import CalendarDay

LOCAL = ZoneInfo("Asia/Shanghai")
# A deadline further than this is a misconfiguration (no working day for ten years).
_MAX_DAYS = 3660

# The package's English names of the holidays and their Chinese names.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def parse_working_hours(text: str) -> tuple[tuple[dt.time, dt.time], ...]:
    """ "09:00-12:00,13:00-18:00" → ((09:00, 12:00), (13:00, 18:00)); ValueError unless the
    periods are ascending, non-empty and do not overlap."""
    periods: list[tuple[dt.time, dt.time]] = []
    for part in text.split(","):
        begin, _sep, end = part.strip().partition("-")
        period = (dt.time.fromisoformat(begin.strip()), dt.time.fromisoformat(end.strip()))
        if period[0] >= period[1] or (periods and periods[-1][1] > period[0]):
            raise ValueError(f"working hours out of order: {text!r}")
        periods.append(period)
    if not periods:
        raise ValueError("no working hours")
    return tuple(periods)


@dataclass(frozen=True)
class CalendarEntry:
    date: dt.date
    is_working: bool
    name: str
    name_en: str


def shipped_days(years: Iterable[int] | None = None) -> list[CalendarEntry]:
    """The public holidays and make-up working days the `chinese-calendar` package knows (of
    the given years, or all), as calendar entries. Holidays falling on a weekend are included
    so the calendar page shows each holiday whole."""

    # imported when used (a data migration and the calendar page's "load the shipped days"):
    # the package's tables are ~1.3 MiB a web worker would hold otherwise (issue 13 §3)
    from chinese_calendar import constants as shipped

    wanted = set(years) if years is not None else None
    entries = []
    for days, working in ((shipped.holidays, False), (shipped.workdays, True)):
        for day, name_en in days.items():
            if wanted is None or day.year in wanted:
                entries.append(
                    CalendarEntry(day, working, HOLIDAY_NAMES_ZH.get(name_en, name_en), name_en)
                )
    return sorted(entries, key=lambda e: e.date)


class WorkCalendar:
    """Working days and hours, overrides loaded once (or given, for tests and migrations)."""

    def __init__(
        self,
        overrides: dict[dt.date, bool] | None = None,
        *,
        hours: str | None = None,
    ) -> None:
        if overrides is None:
            overrides = dict(CalendarDay.objects.values_list("date", "is_working"))
        self.overrides = overrides
        self.periods = parse_working_hours(hours or settings.GUANXI_WORKING_HOURS)

    def is_working_day(self, day: dt.date) -> bool:
        working = self.overrides.get(day)
        return day.weekday() < 5 if working is None else working

    def _periods_of(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        if not self.is_working_day(day):
            return []
        return [
            (
                dt.datetime.combine(day, begin, tzinfo=LOCAL),
                dt.datetime.combine(day, end, tzinfo=LOCAL),
            )
            for begin, end in self.periods
        ]

    def deadline(self, *, start: dt.datetime, minutes: int) -> dt.datetime:
        """The moment `minutes` working minutes after `start` (UTC). Starting outside working
        hours counts from the next working moment; 0 minutes is that moment."""
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        cursor = _aware(start).astimezone(LOCAL)
        left = dt.timedelta(minutes=minutes)
        day = cursor.date()
        for _day in range(_MAX_DAYS):
            for begin, end in self._periods_of(day):
                begin = max(begin, cursor)
                # the end of a period is still working time: 0 minutes from it is itself
                if begin > end:
                    continue
                if begin + left <= end:
                    return (begin + left).astimezone(dt.UTC)
                left -= end - begin
            day += dt.timedelta(days=1)
        raise ValueError("no working time within ten years")

    def minutes_between(self, *, start: dt.datetime, end: dt.datetime) -> int:
        """Whole working minutes from `start` to `end` (0 when end is not after start)."""
        begin_at = _aware(start).astimezone(LOCAL)
        end_at = _aware(end).astimezone(LOCAL)
        if end_at <= begin_at:
            return 0
        total = dt.timedelta()
        day = begin_at.date()
        while day <= end_at.date():
            for period_begin, period_end in self._periods_of(day):
                overlap = min(period_end, end_at) - max(period_begin, begin_at)
                if overlap > dt.timedelta():
                    total += overlap
            day += dt.timedelta(days=1)
        return int(total.total_seconds() // 60)


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a time zone-aware datetime is required")
    return moment


def business_deadline(
    *, start: dt.datetime, minutes: int, calendar: WorkCalendar | None = None
) -> dt.datetime:
    """When `minutes` business minutes after `start` are over (aware in, aware UTC out)."""
    return (calendar or WorkCalendar()).deadline(start=start, minutes=minutes)


def business_minutes_between(
    *, start: dt.datetime, end: dt.datetime, calendar: WorkCalendar | None = None
) -> int:
    """Whole business minutes between two aware moments (0 if end is not after start)."""
    return (calendar or WorkCalendar()).minutes_between(start=start, end=end)


# ---------------------------------------------------------------- the editable calendar


@dataclass(frozen=True)
class CalendarYear:
    year: int
    holidays: int  # days off that would otherwise be working days or part of a holiday
    make_up_days: int


def calendar_years(*, around: int) -> list[CalendarYear]:
    """Every year with calendar days, plus `around` and the year after it (so a year without
    its holidays entered shows up as empty), newest first."""
    counts: dict[int, list[int]] = {around: [0, 0], around + 1: [0, 0]}
    for day, working in CalendarDay.objects.values_list("date", "is_working"):
        counts.setdefault(day.year, [0, 0])[1 if working else 0] += 1
    return [CalendarYear(year, off, on) for year, (off, on) in sorted(counts.items(), reverse=True)]


def load_shipped_days(*, years: Iterable[int] | None = None) -> int:
    """Add the shipped holidays and make-up days the table lacks (of the given years, or of
    every year that has no calendar days yet); dates an administrator set stay as they are.
    Answers how many days were added."""
    present = set(CalendarDay.objects.values_list("date", flat=True))
    if years is None:
        covered = {day.year for day in present}
        entries = [e for e in shipped_days() if e.date.year not in covered]
    else:
        entries = shipped_days(years)
    added = CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=e.date, is_working=e.is_working, name=e.name, name_en=e.name_en)
            for e in entries
            if e.date not in present
        ],
        batch_size=500,
    )
    return len(added)


def calendar_days_of(*, year: int) -> list[CalendarDay]:
    """The calendar days of one year, in date order."""
    return list(CalendarDay.objects.filter(date__year=year).order_by("date"))


@transaction.atomic
def calendar_day_set(
    *, date: dt.date, is_working: bool, name: str, name_en: str = ""
) -> CalendarDay:
    """Make `date` a day off (a public holiday) or a working day (a make-up day), replacing
    what the calendar said about that date. A day that only repeats the normal week (a working
    Tuesday, a Sunday off) is refused: it would change nothing."""
    if is_working == (date.weekday() < 5) and not name.strip():
        raise invalid_field(
            "name",
            _("Name the day: a weekday is working and a weekend is off without an entry."),
        )
    day, _created = CalendarDay.objects.update_or_create(
        date=date,
        defaults={"is_working": is_working, "name": name.strip(), "name_en": name_en.strip()},
    )
    return day


@transaction.atomic
def calendar_day_remove(*, date: dt.date) -> None:
    """Let `date` follow the normal week again (NotFound if the calendar has no entry)."""
    deleted, _details = CalendarDay.objects.filter(date=date).delete()
    if not deleted:
        raise NotFound(_("The calendar has no entry for that date."))

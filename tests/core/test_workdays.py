"""The working calendar (core.workdays; CMP-2 SLA clocks): business minutes are right across
nights, weekends, public holidays and 调休 make-up working days in Asia/Shanghai."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guanxi.core.models import CalendarDay
from guanxi.core.workdays import (
    LOCAL,
    WorkCalendar,
    business_deadline,
    business_minutes_between,
    parse_working_hours,
    shipped_days,
)

SHIPPED = {e.date: e.is_working for e in shipped_days()}
CAL = WorkCalendar(SHIPPED, hours="09:00-12:00,13:00-18:00")

starts = st.datetimes(
    min_value=dt.datetime(2025, 12, 1),  # noqa: DTZ001  (hypothesis adds the zone)
    max_value=dt.datetime(2026, 12, 31),  # noqa: DTZ001
    timezones=st.just(LOCAL),
)
minutes = st.integers(min_value=0, max_value=6000)
PROPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL)


def in_working_time(moment: dt.datetime) -> bool:
    at = moment.astimezone(LOCAL)
    if not CAL.is_working_day(at.date()):
        return False
    return any(begin <= at.time() <= end for begin, end in CAL.periods)


@PROPS
@given(start=starts, m=minutes)
def test_the_minutes_to_a_deadline_are_the_minutes_asked(start, m):
    deadline = CAL.deadline(start=start, minutes=m)
    assert deadline.tzinfo == dt.UTC
    assert deadline >= start
    assert CAL.minutes_between(start=start, end=deadline) == m


@PROPS
@given(start=starts, m=minutes)
def test_a_deadline_never_falls_on_a_non_working_minute(start, m):
    assert in_working_time(CAL.deadline(start=start, minutes=m))


@PROPS
@given(start=starts, later=st.integers(0, 20000), a=minutes, b=minutes)
def test_deadlines_are_monotonic_and_add_up(start, later, a, b):
    first = CAL.deadline(start=start, minutes=a)
    assert CAL.deadline(start=start, minutes=a + b) >= first
    assert CAL.deadline(start=start + dt.timedelta(minutes=later), minutes=a) >= first
    assert CAL.deadline(start=first, minutes=b) == CAL.deadline(start=start, minutes=a + b)


@PROPS
@given(start=starts, span=st.integers(0, 60 * 24 * 20))
def test_business_minutes_never_exceed_the_clock(start, span):
    end = start + dt.timedelta(minutes=span)
    counted = CAL.minutes_between(start=start, end=end)
    assert 0 <= counted <= span
    assert CAL.minutes_between(start=end, end=start) == 0


def test_national_day_2026_and_its_make_up_days():
    """国庆 2026: 1–7 October off; Sunday 20 September and Saturday 10 October are worked."""
    assert not CAL.is_working_day(dt.date(2026, 10, 1))
    assert not CAL.is_working_day(dt.date(2026, 10, 7))
    assert CAL.is_working_day(dt.date(2026, 10, 10))  # 调休 Saturday
    assert CAL.is_working_day(dt.date(2026, 9, 20))  # 调休 Sunday
    assert not CAL.is_working_day(dt.date(2026, 10, 11))
    # Half an hour on the eve, the week off, the rest on Thursday 8 October.
    assert CAL.deadline(start=local(2026, 9, 30, 17, 30), minutes=60) == local(2026, 10, 8, 9, 30)
    # Friday 9 October late: the rest falls on the make-up Saturday.
    assert CAL.deadline(start=local(2026, 10, 9, 17, 0), minutes=120) == local(2026, 10, 10, 10, 0)
    # Saturday 10 October evening: Sunday is off again, Monday 12 October.
    assert CAL.deadline(start=local(2026, 10, 10, 20, 0), minutes=30) == local(2026, 10, 12, 9, 30)
    assert CAL.minutes_between(start=local(2026, 9, 30, 9), end=local(2026, 10, 8, 9)) == 480
    assert (
        CAL.minutes_between(start=local(2026, 10, 1, 0), end=local(2026, 10, 11, 0)) == 3 * 480
    )  # 8th, 9th, 10th


def test_nights_weekends_and_the_lunch_break():
    assert CAL.deadline(start=local(2026, 11, 18, 11, 30), minutes=60) == local(
        2026, 11, 18, 13, 30
    )
    assert CAL.deadline(start=local(2026, 11, 18, 12, 15), minutes=30) == local(
        2026, 11, 18, 13, 30
    )
    assert CAL.deadline(start=local(2026, 11, 18, 23, 0), minutes=30) == local(2026, 11, 19, 9, 30)
    # Friday evening → Monday morning.
    assert CAL.deadline(start=local(2026, 11, 20, 17, 50), minutes=30) == local(2026, 11, 23, 9, 20)
    assert CAL.deadline(start=local(2026, 11, 21, 10, 0), minutes=0) == local(2026, 11, 23, 9, 0)
    # The morning ends exactly at noon: a deadline there is noon, not after lunch.
    assert CAL.deadline(start=local(2026, 11, 18, 11, 0), minutes=60) == local(2026, 11, 18, 12, 0)
    # Seconds are kept: 30 minutes from 10:00:45 end at 10:30:45.
    start = local(2026, 11, 18, 10, 0, 45)
    assert CAL.deadline(start=start, minutes=30) == local(2026, 11, 18, 10, 30, 45)
    # A UTC start means the Shanghai clock: 01:00 UTC is 09:00 there.
    utc_start = dt.datetime(2026, 11, 18, 1, 0, tzinfo=dt.UTC)
    assert CAL.deadline(start=utc_start, minutes=10) == dt.datetime(
        2026, 11, 18, 1, 10, tzinfo=dt.UTC
    )


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        CAL.deadline(start=dt.datetime(2026, 1, 5, 9), minutes=5)  # noqa: DTZ001  (naive on purpose)
    with pytest.raises(ValueError):
        CAL.deadline(start=local(2026, 1, 5, 9), minutes=-1)
    with pytest.raises(ValueError):
        parse_working_hours("13:00-12:00")
    with pytest.raises(ValueError):
        parse_working_hours("09:00-12:00,11:00-18:00")
    everything_off = WorkCalendar({}, hours="09:00-18:00")
    everything_off.is_working_day = lambda day: False  # type: ignore[method-assign]
    with pytest.raises(ValueError):
        everything_off.deadline(start=local(2026, 1, 5, 9), minutes=5)


@pytest.mark.django_db
def test_the_functions_read_the_editable_calendar_in_one_query(django_assert_num_queries):
    """The shipped days are rows (loaded by the migration); a change to them counts at once."""
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).is_working
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节"
    start = local(2026, 10, 9, 17, 0)
    with django_assert_num_queries(1):
        assert business_deadline(start=start, minutes=120) == local(2026, 10, 10, 10, 0)
    with django_assert_num_queries(1):
        assert business_minutes_between(start=start, end=local(2026, 10, 12, 10)) == 60 + 480 + 60
    CalendarDay.objects.filter(date=dt.date(2026, 10, 10)).delete()  # no make-up Saturday
    assert business_deadline(start=start, minutes=120) == local(2026, 10, 12, 10, 0)
    CalendarDay.objects.create(date=dt.date(2026, 11, 18), is_working=False, name="公司庆典")
    assert business_deadline(start=local(2026, 11, 17, 17), minutes=120) == local(2026, 11, 19, 10)


def test_zero_minutes_from_the_end_of_a_period_is_that_moment():
    """Found by the property above: a deadline that ends at noon, asked for 0 more minutes,
    moved on to the afternoon's start."""
    noon = CAL.deadline(start=local(2025, 12, 1, 0, 0), minutes=180)
    assert noon == local(2025, 12, 1, 12, 0)
    assert CAL.deadline(start=noon, minutes=0) == noon
    assert CAL.deadline(start=noon, minutes=1) == local(2025, 12, 1, 13, 1)

import datetime as dt
import zoneinfo

import pytest

from guanxi.pipeline.models import Prospect, Stage, TeamQuota
from guanxi.pipeline.prospects import cadence

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
UTC = dt.UTC


def _prospect(code=None, grade="", **fields):
    stage = Stage.objects.get(code=code) if code else None
    return Prospect(stage=stage, grade=grade, **fields)


def sh(*args):
    return dt.datetime(*args, tzinfo=SH)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "base", "expected"),
    [
        ("s0", sh(2025, 1, 31, 10, 0), sh(2025, 2, 15, 10, 0)),  # Jan 31 + 15 days
        ("s0", sh(2024, 2, 20, 9, 0), sh(2024, 3, 6, 9, 0)),  # leap year: Feb has 29 days
        ("s0", sh(2023, 2, 20, 9, 0), sh(2023, 3, 7, 9, 0)),
        ("s1", sh(2024, 12, 28, 9, 0), sh(2025, 1, 4, 9, 0)),  # year end
        ("s3", sh(2024, 2, 28, 9, 0), sh(2024, 3, 2, 9, 0)),
        ("s3", sh(2025, 4, 30, 9, 0), sh(2025, 5, 3, 9, 0)),
    ],
)
def test_month_ends(org, code, base, expected):
    prospect = _prospect(code, last_followup_at=base.astimezone(UTC))
    due = cadence.next_due(prospect, now=base, tz=SH)
    assert due == expected
    assert due.tzinfo == UTC  # stored UTC


def test_late_evening_shanghai_counts_for_that_day(org):
    # 23:30 in Shanghai is 15:30 UTC the same date; 00:30 the next Shanghai day is the
    # previous UTC date — the Shanghai calendar decides.
    late = dt.datetime(2025, 1, 31, 15, 30, tzinfo=UTC)  # 23:30 Shanghai, Jan 31
    due = cadence.next_due(_prospect("s0", last_followup_at=late), now=late, tz=SH)
    assert due.astimezone(SH) == sh(2025, 2, 15, 23, 30)
    early = dt.datetime(2025, 1, 31, 16, 30, tzinfo=UTC)  # 00:30 Shanghai, Feb 1
    due = cadence.next_due(_prospect("s0", last_followup_at=early), now=early, tz=SH)
    assert due.astimezone(SH).date() == dt.date(2025, 2, 16)
    start, end = cadence.local_day_bounds(dt.date(2025, 1, 31), SH)
    assert start <= late < end
    assert not start <= early < end


def test_next_contact_earlier_wins(org):
    base = sh(2025, 3, 1, 10, 0)
    soon = sh(2025, 3, 3, 9, 0)
    prospect = _prospect("s0", last_followup_at=base, next_contact_at=soon)
    assert cadence.next_due(prospect, now=base, tz=SH) == soon
    later = sh(2025, 4, 1, 9, 0)
    prospect = _prospect("s0", last_followup_at=base, next_contact_at=later)
    assert cadence.next_due(prospect, now=base, tz=SH) == sh(2025, 3, 16, 10, 0)


def test_grade_e_twice_a_month_after_four_pm(org):
    # Jan 20 is in the window 16–31; the next is Feb 1–14, 16 days later: Feb 5.
    base = sh(2025, 1, 20, 10, 0)
    due = cadence.next_due(_prospect("s4", grade="E", last_followup_at=base), now=base, tz=SH)
    assert due.astimezone(SH) == sh(2025, 2, 5, 16, 0)
    evening = sh(2025, 1, 20, 18, 0)
    due = cadence.next_due(_prospect("s4", grade="E", last_followup_at=evening), now=base, tz=SH)
    assert due.astimezone(SH) == sh(2025, 2, 5, 18, 0)


D = dt.date


@pytest.mark.parametrize(
    ("year", "month", "per_month", "windows"),
    [
        (2025, 2, 2, [(D(2025, 2, 1), D(2025, 2, 14)), (D(2025, 2, 15), D(2025, 2, 28))]),
        (2024, 2, 2, [(D(2024, 2, 1), D(2024, 2, 14)), (D(2024, 2, 15), D(2024, 2, 29))]),
        (2025, 1, 2, [(D(2025, 1, 1), D(2025, 1, 15)), (D(2025, 1, 16), D(2025, 1, 31))]),
        (
            2025,
            4,
            3,
            [
                (D(2025, 4, 1), D(2025, 4, 10)),
                (D(2025, 4, 11), D(2025, 4, 20)),
                (D(2025, 4, 21), D(2025, 4, 30)),
            ],
        ),
        (2025, 12, 1, [(D(2025, 12, 1), D(2025, 12, 31))]),
    ],
)
def test_months_split_into_equal_windows(year, month, per_month, windows):
    assert cadence.month_windows(year, month, per_month) == windows


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (D(2025, 2, 1), D(2025, 2, 15)),  # February: 1–14, 15–28
        (D(2025, 2, 14), D(2025, 2, 28)),  # late in the window: the next one's last day
        (D(2025, 2, 20), D(2025, 3, 6)),  # 14 days on, in March 1–15
        (D(2025, 2, 28), D(2025, 3, 14)),
        (D(2025, 1, 31), D(2025, 2, 14)),  # 16 days would skip February's first half
        (D(2025, 1, 5), D(2025, 1, 20)),  # 31 days: 1–15, 16–31
        (D(2024, 2, 29), D(2024, 3, 15)),  # leap day
        (D(2025, 12, 20), D(2026, 1, 5)),  # year end
        (D(2025, 12, 31), D(2026, 1, 15)),
    ],
)
def test_signed_due_day_lands_in_the_next_window(last, due):
    assert cadence.signed_due_day(last, 2) == due


@pytest.mark.parametrize("per_month", [1, 2, 3, 4])
@pytest.mark.parametrize("start", [D(2024, 1, 1), D(2024, 1, 31), D(2024, 2, 13), D(2025, 11, 29)])
def test_contacting_on_the_due_days_touches_every_month_n_times(per_month, start):
    contacts = [start]
    while contacts[-1] < start + dt.timedelta(days=800):
        contacts.append(cadence.signed_due_day(contacts[-1], per_month))
    month = start.replace(day=1) + dt.timedelta(days=32)
    while month < contacts[-1].replace(day=1):
        count = sum(1 for day in contacts if (day.year, day.month) == (month.year, month.month))
        assert count >= per_month, month
        for first, last in cadence.month_windows(month.year, month.month, per_month):
            assert any(first <= day <= last for day in contacts), (first, last)
        month = (month + dt.timedelta(days=32)).replace(day=1)


def test_signed_due_follows_the_shanghai_calendar(org):
    # 16:30 UTC on Jan 31 is already 00:30 on Feb 1 in Shanghai: February's first window
    # holds the contact, so the customer is due in its second, after 16:00.
    moment = dt.datetime(2025, 1, 31, 16, 30, tzinfo=UTC)
    prospect = _prospect("s4", grade="E", last_followup_at=moment)
    due = cadence.next_due(prospect, now=moment, tz=SH, signed_per_month=2)
    assert due.astimezone(SH) == sh(2025, 2, 15, 16, 0)
    due = cadence.next_due(prospect, now=moment, tz=UTC, signed_per_month=2)
    assert due == dt.datetime(2025, 2, 14, 16, 30, tzinfo=UTC)


def test_signed_contacts_per_month_come_from_the_team_quota(org, sales1a):
    TeamQuota.objects.update_or_create(department=None, defaults={"signed_per_month": 3})
    base = sh(2025, 4, 2, 17, 0)  # April in thirds: 1–10, 11–20, 21–30
    prospect = _prospect(
        "s4", grade="E", last_followup_at=base, department_id=sales1a.department_id
    )
    assert cadence.next_due(prospect, now=base, tz=SH) == sh(2025, 4, 12, 17, 0)
    TeamQuota.objects.create(department=sales1a.department, signed_per_month=1)
    assert cadence.next_due(prospect, now=base, tz=SH) == sh(2025, 5, 2, 17, 0)  # a month on


def test_refused_and_unstaged_have_no_cadence(org):
    now = sh(2025, 1, 1, 9, 0)
    assert cadence.next_due(_prospect("refused", last_followup_at=now), now=now, tz=SH) is None
    assert cadence.next_due(_prospect(None), now=now, tz=SH) is None
    soon = sh(2025, 1, 2, 9, 0)
    assert cadence.next_due(_prospect("refused", next_contact_at=soon), now=now, tz=SH) == soon


def test_base_falls_back_to_stage_change(org):
    changed = sh(2025, 5, 1, 8, 0)
    prospect = _prospect("s1", stage_changed_at=changed)
    assert cadence.next_due(prospect, now=changed, tz=SH) == sh(2025, 5, 8, 8, 0)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "Asia/Kolkata", "America/New_York"])
def test_zones_keep_wall_clock(org, zone):
    tz = zoneinfo.ZoneInfo(zone)
    base = dt.datetime(2025, 3, 1, 10, 0, tzinfo=tz)  # New York crosses DST on Mar 9
    due = cadence.next_due(_prospect("s0", last_followup_at=base), now=base, tz=tz)
    local = due.astimezone(tz)
    assert (local.date(), local.hour, local.minute) == (dt.date(2025, 3, 16), 10, 0)

import datetime as dt
import zoneinfo

import pytest

from guanxi.pipeline.models import Prospect, Stage
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
    base = sh(2025, 1, 20, 10, 0)
    due = cadence.next_due(_prospect("s4", grade="E", last_followup_at=base), now=base, tz=SH)
    assert due.astimezone(SH) == sh(2025, 2, 4, 16, 0)
    evening = sh(2025, 1, 20, 18, 0)
    due = cadence.next_due(_prospect("s4", grade="E", last_followup_at=evening), now=base, tz=SH)
    assert due.astimezone(SH) == sh(2025, 2, 4, 18, 0)


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

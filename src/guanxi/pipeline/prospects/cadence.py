"""Next-due dates from the stage cadence (INT-4): stage 0 every 15 days, stages 1–2 every 7,
stages 3–4 every 3, signed (E) customers at least N times in every calendar month (N from the
team's quota, 2 by default: "1个月联系至少2次"), suggested after 16:00.

Calendar arithmetic happens in the user's zone (Asia/Shanghai by default) on local dates, so
month ends, leap years and the UTC/Shanghai day boundary come out right; results are UTC.
"""

import calendar
import datetime as dt
import zoneinfo
from typing import Any

from django.utils import timezone

from guanxi.pipeline.models import Prospect
from guanxi.pipeline.prospects.selectors import quota_for

DEFAULT_ZONE = "Asia/Shanghai"
E_PER_MONTH = 2  # "1个月联系至少2次"; TeamQuota.signed_per_month
E_AFTER = dt.time(16, 0)  # "建议利用下午4点以后的时间维护老客户"


def zone_for(user: Any = None) -> dt.tzinfo:
    """The user's zone, else the active one."""
    name = getattr(user, "time_zone", "") if user is not None else ""
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(DEFAULT_ZONE)
    return timezone.get_current_timezone()


def add_local_days(moment: dt.datetime, days: int, tz: dt.tzinfo) -> dt.datetime:
    """The same wall-clock time `days` calendar days later in zone `tz`, as UTC."""
    local = moment.astimezone(tz)
    day = local.date() + dt.timedelta(days=days)
    wall = dt.datetime.combine(day, local.time().replace(tzinfo=None))
    return wall.replace(tzinfo=tz).astimezone(dt.UTC)


def local_day_bounds(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local calendar day, in UTC."""
    start = dt.datetime.combine(day, dt.time()).replace(tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time()).replace(tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def month_windows(year: int, month: int, per_month: int) -> list[tuple[dt.date, dt.date]]:
    """The month split into `per_month` windows of (nearly) equal length, as inclusive
    [first, last] days: February with 2 is 1–14 and 15–28, a 31-day month 1–15 and 16–31."""
    days = calendar.monthrange(year, month)[1]
    per_month = max(1, min(per_month, days))
    starts = [k * days // per_month + 1 for k in range(per_month)] + [days + 1]
    return [
        (dt.date(year, month, starts[k]), dt.date(year, month, starts[k + 1] - 1))
        for k in range(per_month)
    ]


def signed_due_day(last: dt.date, per_month: int) -> dt.date:
    """The day a signed customer contacted on `last` is due again: in the window after the
    one holding `last`, at the earliest its start or a window's length after `last`, at the
    latest its end — so contacting on the due days touches every window of every month."""
    windows = month_windows(last.year, last.month, per_month)
    index = next(k for k, (first, end) in enumerate(windows) if first <= last <= end)
    length = (windows[index][1] - windows[index][0]).days + 1
    if index + 1 < len(windows):
        first, end = windows[index + 1]
    else:
        following = last.replace(day=1) + dt.timedelta(days=32)
        first, end = month_windows(following.year, following.month, per_month)[0]
    return min(max(first, last + dt.timedelta(days=length)), end)


def cadence_days(prospect: Prospect) -> int | None:
    """The stage's contact interval; signed (E) customers follow the calendar instead."""
    if prospect.grade == "E":
        return None
    stage = prospect.stage if prospect.stage_id else None
    return stage.cadence_days if stage is not None else None


def next_due(
    prospect: Prospect,
    *,
    now: dt.datetime | None = None,
    tz: dt.tzinfo | None = None,
    created_at: dt.datetime | None = None,
    signed_per_month: int | None = None,
) -> dt.datetime | None:
    """min(the consultant's next contact, last contact + the stage's cadence).

    The cadence counts from the last follow-up, else the last stage change, else the
    customer's creation. Refused and unstaged customers have no cadence; then only a set
    next contact makes them due. Signed (E) customers are due by `signed_due_day` with
    `signed_per_month` contacts a month (None: the prospect's team quota)."""
    now = now or timezone.now()
    tz = tz or zone_for(None)
    candidates = []
    if prospect.next_contact_at:
        candidates.append(prospect.next_contact_at)
    signed = prospect.grade == "E"
    days = cadence_days(prospect)
    if signed or days is not None:
        base = prospect.last_followup_at or prospect.stage_changed_at or created_at
        if base is None:
            field = type(prospect)._meta.get_field("customer")
            customer = prospect.customer if field.is_cached(prospect) else None
            base = getattr(customer, "created_at", None) or now
        if signed:
            if signed_per_month is None:
                signed_per_month = signed_per_month_for(prospect)
            local = base.astimezone(tz)
            day = signed_due_day(local.date(), signed_per_month)
            wall = max(local.time().replace(tzinfo=None), E_AFTER)
            due = dt.datetime.combine(day, wall).replace(tzinfo=tz).astimezone(dt.UTC)
        else:
            due = add_local_days(base, days or 0, tz)
        candidates.append(due)
    return min(candidates) if candidates else None


def signed_per_month_for(prospect: Any) -> int:
    """Contacts a month for the prospect's team's signed customers (TeamQuota)."""
    return quota_for(department_id=getattr(prospect, "department_id", None)).signed_per_month

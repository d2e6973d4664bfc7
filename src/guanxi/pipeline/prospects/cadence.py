"""Next-due dates from the stage cadence (INT-4): stage 0 every 15 days, stages 1–2 every 7,
stages 3–4 every 3, signed (E) customers twice a month, suggested after 16:00.

Calendar arithmetic happens in the user's zone (Asia/Shanghai by default) on local dates, so
month ends, leap years and the UTC/Shanghai day boundary come out right; results are UTC.
"""

import datetime as dt
import zoneinfo
from typing import Any

from django.utils import timezone

from guanxi.pipeline.models import Prospect

DEFAULT_ZONE = "Asia/Shanghai"
E_CADENCE_DAYS = 15  # "1个月联系至少2次"
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


def cadence_days(prospect: Prospect) -> int | None:
    if prospect.grade == "E":
        return E_CADENCE_DAYS
    stage = prospect.stage if prospect.stage_id else None
    return stage.cadence_days if stage is not None else None


def next_due(
    prospect: Prospect,
    *,
    now: dt.datetime | None = None,
    tz: dt.tzinfo | None = None,
    created_at: dt.datetime | None = None,
) -> dt.datetime | None:
    """min(the consultant's next contact, last contact + the stage's cadence).

    The cadence counts from the last follow-up, else the last stage change, else the
    customer's creation. Refused and unstaged customers have no cadence; then only a set
    next contact makes them due."""
    now = now or timezone.now()
    tz = tz or zone_for(None)
    candidates = []
    if prospect.next_contact_at:
        candidates.append(prospect.next_contact_at)
    days = cadence_days(prospect)
    if days is not None:
        base = prospect.last_followup_at or prospect.stage_changed_at or created_at
        if base is None:
            field = type(prospect)._meta.get_field("customer")
            customer = prospect.customer if field.is_cached(prospect) else None
            base = getattr(customer, "created_at", None) or now
        due = add_local_days(base, days, tz)
        if prospect.grade == "E":
            local = due.astimezone(tz)
            if local.time() < E_AFTER:
                due = (
                    dt.datetime.combine(local.date(), E_AFTER).replace(tzinfo=tz).astimezone(dt.UTC)
                )
        candidates.append(due)
    return min(candidates) if candidates else None

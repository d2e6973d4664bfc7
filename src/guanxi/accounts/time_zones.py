"""The time zones a user may choose: IANA names, the company's own first."""

import zoneinfo
from functools import cache

DEFAULT_TIME_ZONE = "Asia/Shanghai"

# Where Chinese sales teams and their customers usually are; the rest follow alphabetically.
COMMON_TIME_ZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Macau",
    "Asia/Urumqi",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Kuala_Lumpur",
    "Asia/Bangkok",
    "Asia/Dubai",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "UTC",
)


@cache
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_valid(name: str) -> bool:
    if not name or name not in available_time_zones():
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def time_zone_choices() -> list[tuple[str, str]]:
    common = [name for name in COMMON_TIME_ZONES if time_zone_valid(name)]
    rest = sorted(available_time_zones() - set(common))
    return [(name, name) for name in common + rest]

"""Reads for the work list (INT-3, INT-4): the user's tracked prospects by due date, the
tracked counts against the quotas, today's follow-ups. Always scoped."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.selectors import users_in_scope
from guanxi.core.errors import ValidationFailed
from guanxi.core.pagination import Page, capped_count, cursor_encode, page_by_keys
from guanxi.pipeline.models import FollowUp, Prospect, PublicPool, Stage
from guanxi.pipeline.prospects import cadence
from guanxi.pipeline.prospects.selectors import (
    QUOTA_GROUPS,
    quota_for,
    quota_group_of,
    quota_limit,
)

SECTION_SIZE = 50
SECTIONS = ("overdue", "today", "this_week", "about_to_be_recycled")


@dataclass
class Section:
    key: str
    rows: list[Prospect] = field(default_factory=list)
    more: bool = False
    cursor: str | None = None


def _today_bounds(user: User, now: dt.datetime) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """[start of today, start of tomorrow, end of the 7th day) in the user's zone, as UTC."""
    tz = cadence.zone_for(user)
    today = now.astimezone(tz).date()
    start, end = cadence.local_day_bounds(today, tz)
    week_end = cadence.local_day_bounds(today + dt.timedelta(days=6), tz)[1]
    return start, end, week_end


def _warn_days() -> int:
    days = (
        PublicPool.objects.filter(is_active=True)
        .order_by("-warn_days")
        .values_list("warn_days", flat=True)
        .first()
    )
    return days if days is not None else 3


def _worklist_base(user: User) -> QuerySet[Prospect]:
    return (
        Prospect.objects.filter(owner_id=user.pk, tracked=True, customer__deleted_at__isnull=True)
        .select_related("customer", "stage")
        .only(
            "customer_id",
            "customer__name",
            "customer__deleted_at",
            "stage__code",
            "stage__name",
            "stage__name_en",
            "stage__order",
            "grade",
            "next_due_at",
            "next_contact_at",
            "last_followup_at",
            "recycle_due_at",
            "tracked",
            "owner_id",
        )
    )


@dataclass(frozen=True)
class _SectionRange:
    """A section is the rows whose `column` lies in [lower, upper) (no lower: all before)."""

    column: str
    lower: dt.datetime | None
    upper: dt.datetime

    def condition(self) -> Q:
        condition = Q(**{f"{self.column}__lt": self.upper})
        if self.lower is not None:
            condition &= Q(**{f"{self.column}__gte": self.lower})
        return condition

    def holds(self, prospect: Prospect) -> bool:
        """The same test, on a row already read."""
        value = getattr(prospect, self.column)
        return (
            value is not None and value < self.upper and (self.lower is None or self.lower <= value)
        )


def _section_range(user: User, key: str, now: dt.datetime) -> _SectionRange:
    start, end, week_end = _today_bounds(user, now)
    if key == "overdue":
        return _SectionRange("next_due_at", None, start)
    if key == "today":
        return _SectionRange("next_due_at", start, end)
    if key == "this_week":
        return _SectionRange("next_due_at", end, week_end)
    if key == "about_to_be_recycled":
        return _SectionRange("recycle_due_at", None, now + dt.timedelta(days=_warn_days()))
    raise ValidationFailed(_("Unknown section."))


def worklist_section(
    *,
    user: User,
    key: str,
    now: dt.datetime | None = None,
    cursor: str | None = None,
    limit: int = SECTION_SIZE,
) -> tuple[list[Prospect], str | None]:
    """One section of the user's work list, keyset-paged by (due, customer id): (rows, the
    cursor of the next page or None). One index range (owner, tracked, next_due_at)."""
    section = _section_range(user, key, now or timezone.now())
    page: Page[Prospect] = page_by_keys(
        _worklist_base(user).filter(section.condition()),
        keys=[(section.column, dt.datetime), ("customer_id", int)],
        descending=False,
        cursor=cursor,
        limit=limit,
        maximum=max(limit, SECTION_SIZE),
    )
    return page.items, page.next_cursor


# The tracked pool is bounded by the team's quotas (20 / 40 / 10 by default): the work list
# reads it whole in one query and splits it into sections in Python. Only if a manager raised
# the quotas beyond this does it fall back to one keyset query per section.
TRACKED_READ_CAP = 1000
# "Followed today" counts distinct customers among the day's first follow-ups only; a person
# logs a few dozen a day, so the cap is never reached outside bulk-loaded test data.
FOLLOWED_TODAY_CAP = 1000


def tracked_rows(*, user: User) -> list[Prospect] | None:
    """Every live tracked prospect of the user, or None when there are more than
    TRACKED_READ_CAP (then each section is read on its own)."""
    # No ORDER BY: the sections sort their rows, and past the cap none are used. Ordered by
    # customer id, SQLite walked the whole prospect table in key order (17 ms at 100,000)
    # instead of the owner's tracked range of prospect_worklist_idx (issue 13).
    rows = list(_worklist_base(user).order_by()[: TRACKED_READ_CAP + 1])
    return None if len(rows) > TRACKED_READ_CAP else rows


def worklist_for_user(
    *,
    user: User,
    now: dt.datetime | None = None,
    limit: int = SECTION_SIZE,
    sections: Sequence[str] = SECTIONS,
    rows: list[Prospect] | None = None,
) -> dict[str, Section]:
    """The user's own tracked prospects: overdue first, then due today, this week, and those
    about to be recycled. Each section at most `limit` rows, with a cursor for "more".
    `rows` is `tracked_rows(user=user)` if the caller read it already."""
    now = now or timezone.now()
    rows = tracked_rows(user=user) if rows is None else rows
    result = {}
    for key in sections:
        if rows is None:
            page, cursor = worklist_section(user=user, key=key, now=now, limit=limit)
        else:
            section = _section_range(user, key, now)
            ordered = sorted(
                (p for p in rows if section.holds(p)),
                key=attrgetter(section.column, "customer_id"),
            )
            page, cursor = ordered[:limit], None
            if len(ordered) > limit and page:
                last = page[-1]
                cursor = cursor_encode([getattr(last, section.column), last.customer_id])
        result[key] = Section(key=key, rows=page, more=cursor is not None, cursor=cursor)
    return result


def tracked_counts(*, user: User, rows: list[Prospect] | None = None) -> list[dict[str, Any]]:
    """Per stage group: how many the user tracks and the team's quota."""
    if rows is not None:
        by_stage: dict[int | None, int] = {}
        for prospect in rows:
            by_stage[prospect.stage_id] = by_stage.get(prospect.stage_id, 0) + 1
    else:
        by_stage = dict(
            Prospect.objects.filter(owner_id=user.pk, tracked=True)
            .values("stage_id")
            .annotate(n=Count("customer_id"))
            .values_list("stage_id", "n")
        )
    groups = {group: 0 for group in QUOTA_GROUPS}
    stage_by_id: dict[int | None, Stage] = (
        {s.pk: s for s in Stage.objects.all()} if by_stage else {}
    )
    for stage_id, n in by_stage.items():
        groups[quota_group_of(stage=stage_by_id.get(stage_id))] += n
    quota = quota_for(department_id=user.department_id)
    return [
        {"group": group, "count": groups[group], "quota": quota_limit(quota=quota, group=group)}
        for group in QUOTA_GROUPS
    ]


def daily_target(*, user: User) -> int:
    return quota_for(department_id=user.department_id).daily_target


def followed_today(*, user: User, now: dt.datetime | None = None) -> int:
    """Distinct intention customers (stage 0 or above) the user followed up today (local),
    counted over the day's first FOLLOWED_TODAY_CAP follow-ups (one short index range)."""
    now = now or timezone.now()
    start, end, _week_end = _today_bounds(user, now)
    customer_ids = (
        FollowUp.objects.filter(
            user_id=user.pk, at__gte=start, at__lt=end, stage_after__order__gte=0
        )
        .order_by()
        .values_list("customer_id", flat=True)[:FOLLOWED_TODAY_CAP]
    )
    return len(set(customer_ids))


def worklist_users(*, user: User) -> QuerySet[User]:
    """Whose work list the user may open: themselves and the users in their scope."""
    return users_in_scope(user=user).order_by("department__path", "username")


def overdue_count(*, user: User, cap: int, now: dt.datetime | None = None) -> int:
    """How many of the user's tracked customers are overdue for contact, up to `cap`."""
    section = _section_range(user, "overdue", now or timezone.now())
    return capped_count(_worklist_base(user).filter(section.condition()), cap)[0]


def section_counts(
    *,
    user: User,
    keys: Sequence[str],
    rows: list[Prospect] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, tuple[int, bool]]:
    """Per section: how many rows it holds and whether the count stopped at the cap. From
    `rows` (`tracked_rows`) when the pool was read whole, else a capped count a section."""
    now = now or timezone.now()
    counts = {}
    for key in keys:
        section = _section_range(user, key, now)
        if rows is not None:
            counts[key] = (sum(1 for prospect in rows if section.holds(prospect)), False)
        else:
            counts[key] = capped_count(
                _worklist_base(user).filter(section.condition()), TRACKED_READ_CAP
            )
    return counts

"""Reads for the work list (INT-3, INT-4): the user's tracked prospects by due date, the
tracked counts against the quotas, today's follow-ups. Always scoped."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.selectors import users_in_scope
from guanxi.core.errors import ValidationFailed
from guanxi.core.pagination import cursor_encode, page_by_keys
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
    rows: list = field(default_factory=list)
    more: bool = False
    cursor: str | None = None


def _today_bounds(user, now):
    tz = cadence.zone_for(user)
    today = now.astimezone(tz).date()
    start, end = cadence.local_day_bounds(today, tz)
    week_end = cadence.local_day_bounds(today + dt.timedelta(days=6), tz)[1]
    return tz, start, end, week_end


def _warn_days() -> int:
    days = (
        PublicPool.objects.filter(is_active=True)
        .order_by("-warn_days")
        .values_list("warn_days", flat=True)
        .first()
    )
    return days if days is not None else 3


def _worklist_base(user):
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


def _section_filter(user, key: str, now) -> tuple[Q, str]:
    _tz, start, end, week_end = _today_bounds(user, now)
    if key == "overdue":
        return Q(next_due_at__lt=start), "next_due_at"
    if key == "today":
        return Q(next_due_at__gte=start, next_due_at__lt=end), "next_due_at"
    if key == "this_week":
        return Q(next_due_at__gte=end, next_due_at__lt=week_end), "next_due_at"
    if key == "about_to_be_recycled":
        return Q(recycle_due_at__lt=now + dt.timedelta(days=_warn_days())), "recycle_due_at"
    raise ValidationFailed(_("Unknown section."))


def worklist_section(
    user, key: str, *, now=None, cursor: str | None = None, limit: int = SECTION_SIZE
) -> tuple[list, str | None]:
    """One section of the user's work list, keyset-paged by (due, customer id): (rows, the
    cursor of the next page or None). One index range (owner, tracked, next_due_at)."""
    now = now or timezone.now()
    condition, column = _section_filter(user, key, now)
    page = page_by_keys(
        _worklist_base(user).filter(condition),
        keys=[(column, dt.datetime), ("customer_id", int)],
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


def _section_test(user, key: str, now):
    """The Python twin of `_section_filter`, for rows already read: (predicate, column)."""
    _tz, start, end, week_end = _today_bounds(user, now)
    if key == "overdue":
        return (lambda p: p.next_due_at is not None and p.next_due_at < start), "next_due_at"
    if key == "today":
        return (lambda p: p.next_due_at is not None and start <= p.next_due_at < end), "next_due_at"
    if key == "this_week":
        return (
            lambda p: p.next_due_at is not None and end <= p.next_due_at < week_end
        ), "next_due_at"
    if key == "about_to_be_recycled":
        limit = now + dt.timedelta(days=_warn_days())
        return (
            lambda p: p.recycle_due_at is not None and p.recycle_due_at < limit
        ), "recycle_due_at"
    raise ValidationFailed(_("Unknown section."))


def tracked_rows(user) -> list | None:
    """Every live tracked prospect of the user, or None when there are more than
    TRACKED_READ_CAP (then each section is read on its own)."""
    rows = list(_worklist_base(user).order_by("customer_id")[: TRACKED_READ_CAP + 1])
    return None if len(rows) > TRACKED_READ_CAP else rows


def worklist_for_user(
    user, *, now=None, limit: int = SECTION_SIZE, sections=SECTIONS, rows=None
) -> dict:
    """The user's own tracked prospects: overdue first, then due today, this week, and those
    about to be recycled. Each section at most `limit` rows, with a cursor for "more".
    `rows` is `tracked_rows(user)` if the caller read it already."""
    now = now or timezone.now()
    rows = tracked_rows(user) if rows is None else rows
    result = {}
    for key in sections:
        if rows is None:
            page, cursor = worklist_section(user, key, now=now, limit=limit)
        else:
            matches, column = _section_test(user, key, now)
            ordered = sorted(
                (p for p in rows if matches(p)),
                key=lambda p, column=column: (getattr(p, column), p.customer_id),
            )
            page, cursor = ordered[:limit], None
            if len(ordered) > limit and page:
                cursor = cursor_encode([getattr(page[-1], column), page[-1].customer_id])
        result[key] = Section(key=key, rows=page, more=cursor is not None, cursor=cursor)
    return result


def tracked_counts(user, *, rows=None) -> list[dict]:
    """Per stage group: how many the user tracks and the team's quota."""
    if rows is not None:
        by_stage: dict = {}
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
    stage_by_id = {s.pk: s for s in Stage.objects.all()} if by_stage else {}
    for stage_id, n in by_stage.items():
        groups[quota_group_of(stage_by_id.get(stage_id))] += n
    quota = quota_for(user.department_id)
    return [
        {"group": group, "count": groups[group], "quota": quota_limit(quota, group)}
        for group in QUOTA_GROUPS
    ]


def daily_target(user) -> int:
    return quota_for(user.department_id).daily_target


def followed_today(user, *, now=None) -> int:
    """Distinct intention customers (stage 0 or above) the user followed up today (local),
    counted over the day's first FOLLOWED_TODAY_CAP follow-ups (one short index range)."""
    now = now or timezone.now()
    _tz, start, end, _week = _today_bounds(user, now)
    customer_ids = (
        FollowUp.objects.filter(
            user_id=user.pk, at__gte=start, at__lt=end, stage_after__order__gte=0
        )
        .order_by()
        .values_list("customer_id", flat=True)[:FOLLOWED_TODAY_CAP]
    )
    return len(set(customer_ids))


def worklist_users(user):
    """Whose work list the user may open: themselves and the users in their scope."""
    return users_in_scope(user).order_by("department__path", "username")

"""Team supervision (INT-9): each consultant's figures for a manager, one GROUP BY per figure.

Stage accuracy — a judgement is a stage a consultant set (a StageMove by them) between
104 and 14 days ago; it is *reversed* when, within 14 days after it, the same customer was
moved (by anyone) to a lower stage than the one judged (refused counts as the lowest).
Accuracy = judgements not reversed / judgements; no judgements → no figure.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from guanxi.accounts.selectors import scope_for_user, users_in_scope
from guanxi.customers.models import OwnerChange
from guanxi.pipeline.models import FollowUp, Prospect, Stage, StageMove

ACTIVITY_DAYS = 7
MOVES_DAYS = 30
RELEASE_DAYS = 30
REVERSAL_DAYS = 14
JUDGEMENT_WINDOW_DAYS = 90


@dataclass
class TeamRow:
    user: object
    pool: dict = field(default_factory=dict)  # stage id → tracked customers
    pool_total: int = 0
    overdue: int = 0
    followups: int = 0
    effective: int = 0
    forward: int = 0
    backward: int = 0
    releases: int = 0
    judgements: int = 0
    reversed: int = 0

    @property
    def followups_per_day(self) -> float:
        return round(self.followups / ACTIVITY_DAYS, 1)

    @property
    def effective_per_day(self) -> float:
        return round(self.effective / ACTIVITY_DAYS, 1)

    @property
    def accuracy(self) -> float | None:
        if not self.judgements:
            return None
        return (self.judgements - self.reversed) / self.judgements


def supervises_others(user) -> bool:
    """Whether the user's data scope covers anybody else (the Team page's audience)."""
    scope = scope_for_user(user)
    if scope.user_id is None:
        return False
    return scope.sees_all or bool(scope.department_ids) or len(scope.owner_ids) > 1


def team_overview(manager, *, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    users = list(users_in_scope(manager).order_by("department__path", "username"))
    rows = {user.pk: TeamRow(user=user) for user in users}
    ids = list(rows)
    stages = list(Stage.objects.order_by("order"))

    for owner_id, stage_id, n in (
        Prospect.objects.filter(owner_id__in=ids, tracked=True)
        .values("owner_id", "stage_id")
        .order_by()
        .annotate(n=Count("customer_id"))
        .values_list("owner_id", "stage_id", "n")
    ):
        rows[owner_id].pool[stage_id] = n
        rows[owner_id].pool_total += n

    for owner_id, n in (
        Prospect.objects.filter(owner_id__in=ids, tracked=True, next_due_at__lt=now)
        .values("owner_id")
        .order_by()
        .annotate(n=Count("customer_id"))
        .values_list("owner_id", "n")
    ):
        rows[owner_id].overdue = n

    for user_id, total, effective in (
        FollowUp.objects.filter(user_id__in=ids, at__gte=now - dt.timedelta(days=ACTIVITY_DAYS))
        .values("user_id")
        .order_by()
        .annotate(total=Count("id"), effective=Count("id", filter=Q(effective=True)))
        .values_list("user_id", "total", "effective")
    ):
        rows[user_id].followups = total
        rows[user_id].effective = effective

    for user_id, forward, backward in (
        StageMove.objects.filter(user_id__in=ids, at__gte=now - dt.timedelta(days=MOVES_DAYS))
        .values("user_id")
        .order_by()
        .annotate(
            forward=Count(
                "id",
                filter=Q(from_stage__isnull=True) | Q(to_stage__order__gt=F("from_stage__order")),
            ),
            backward=Count("id", filter=Q(to_stage__order__lt=F("from_stage__order"))),
        )
        .values_list("user_id", "forward", "backward")
    ):
        rows[user_id].forward = forward
        rows[user_id].backward = backward

    # Releases are read from the owner-change log, which keeps them after a claim removes the
    # pool entry.
    for user_id, n in (
        OwnerChange.objects.filter(
            from_user_id__in=ids,
            to_user__isnull=True,
            at__gte=now - dt.timedelta(days=RELEASE_DAYS),
        )
        .values("from_user_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("from_user_id", "n")
    ):
        rows[user_id].releases = n

    later_lower = StageMove.objects.filter(
        customer_id=OuterRef("customer_id"),
        at__gt=OuterRef("at"),
        at__lte=OuterRef("at") + dt.timedelta(days=REVERSAL_DAYS),
        to_stage__order__lt=OuterRef("to_stage__order"),
    )
    settled = now - dt.timedelta(days=REVERSAL_DAYS)
    for user_id, judgements, reversed_ in (
        StageMove.objects.filter(
            user_id__in=ids,
            at__lte=settled,
            at__gt=settled - dt.timedelta(days=JUDGEMENT_WINDOW_DAYS),
        )
        .annotate(was_reversed=Exists(later_lower))
        .values("user_id")
        .order_by()
        .annotate(n=Count("id"), rev=Count("id", filter=Q(was_reversed=True)))
        .values_list("user_id", "n", "rev")
    ):
        rows[user_id].judgements = judgements
        rows[user_id].reversed = reversed_

    return {"stages": stages, "rows": list(rows.values()), "now": now}

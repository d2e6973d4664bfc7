"""Reads of improvement action plans (SAT-4), in the reader's scope: the list with the next
period's score against the target, and the owner's due plans for the work list."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.dates import add_months
from guanxi.core.errors import found
from guanxi.satisfaction.models import ActionPlan
from guanxi.satisfaction.scores.selectors import factor_names, factor_scores

LIST_LIMIT = 200
DUE_WITHIN_DAYS = 7


@dataclass(frozen=True)
class PlanRow:
    plan: ActionPlan
    factor_name: str
    next_month: dt.date
    next_score: Decimal | None  # the factor's satisfaction in the month after the period

    @property
    def target_met(self) -> bool | None:
        if self.next_score is None:
            return None
        return self.next_score >= self.plan.target


def plan_rows_for(*, plans: list[ActionPlan]) -> list[PlanRow]:
    pairs = {(p.factor_code, add_months(p.period, 1)) for p in plans}
    scores = factor_scores(pairs=pairs)
    names = factor_names(codes={p.factor_code for p in plans})
    return [
        PlanRow(
            plan=p,
            factor_name=names.get(p.factor_code, p.factor_code),
            next_month=add_months(p.period, 1),
            next_score=scores.get((p.factor_code, add_months(p.period, 1))),
        )
        for p in plans
    ]


def plan_rows(
    *, user: User | AnonymousUser, status: str = "open", limit: int = LIST_LIMIT
) -> list[PlanRow]:
    plans = ActionPlan.objects.visible_to(user).select_related("owner", "supervisor")
    if status == "open":
        plans = plans.filter(status__in=[ActionPlan.Status.OPEN, ActionPlan.Status.IN_PROGRESS])
    elif status in ActionPlan.Status.values:
        plans = plans.filter(status=status)
    return plan_rows_for(plans=list(plans.order_by("due_date", "id")[:limit]))


def plan_for_user(*, user: User | AnonymousUser, plan_id: int) -> ActionPlan:
    plan: ActionPlan = found(
        ActionPlan.objects.visible_to(user)
        .select_related("owner", "supervisor", "template")
        .filter(pk=plan_id)
        .first()
    )
    return plan


def due_for_owner(*, user: User, limit: int = 10) -> list[ActionPlan]:
    """The owner's open plans due within a week (or overdue), for their work list."""
    horizon = timezone.localdate() + dt.timedelta(days=DUE_WITHIN_DAYS)
    return list(
        ActionPlan.objects.filter(
            owner=user,
            status__in=[ActionPlan.Status.OPEN, ActionPlan.Status.IN_PROGRESS],
            due_date__lte=horizon,
        ).order_by("due_date", "id")[:limit]
    )

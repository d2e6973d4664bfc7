"""Reads of a customer's pipeline state (INT-1 … INT-5): the stages, the prospect of a
customer the user can see, whom it referred, its follow-ups, and the tracked-pool quotas.
Always scoped (a customer passed in is one the caller may see)."""

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, F, Prefetch, Q, QuerySet, When

from guanxi.accounts.models import User
from guanxi.core.errors import found
from guanxi.core.pagination import Page, page_by_id, page_by_keys
from guanxi.customers.models import Customer
from guanxi.pipeline.models import FollowUp, Objection, Prospect, Stage, TeamQuota

QUOTA_GROUPS = ("s0", "s12", "s34")


def stages() -> list[Stage]:
    return list(Stage.objects.order_by("order"))


def prospect_for_user(*, user: User | AnonymousUser, customer: Customer) -> Prospect | None:
    """The prospect of a customer the user can see (None if not visible)."""
    if not Customer.objects.visible_to(user).filter(pk=customer.pk).exists():
        return None
    return Prospect.objects.select_related("stage", "referrer").filter(pk=customer.pk).first()


def referrals_of(
    *, user: User | AnonymousUser, customer: Customer, limit: int = 20
) -> list[Customer]:
    """Customers this customer introduced, as far as the user may see them."""
    return list(
        Customer.objects.visible_to(user)
        .filter(prospect__referrer_id=customer.pk)
        .only("id", "name")
        .order_by("-id")[:limit]
    )


# ---------------------------------------------------------------- tracked-pool quotas (INT-3)


def quota_for(*, department_id: int | None) -> TeamQuota:
    """The department's quota, else the company default row, else the shipped defaults."""
    rows = TeamQuota.objects.filter(department__isnull=True)
    if department_id:
        rows = TeamQuota.objects.filter(
            Q(department_id=department_id) | Q(department__isnull=True)
        ).order_by(F("department_id").asc(nulls_last=True))
    return rows.first() or TeamQuota()


def quota_limit(*, quota: TeamQuota, group: str) -> int:
    return {"s0": quota.stage0, "s12": quota.stage12, "s34": quota.stage34}[group]


def quota_group_of(*, stage: Stage | None) -> str:
    return (stage.quota_group if stage is not None else "") or "s0"


# ---------------------------------------------------------------- follow-ups


def _followups() -> QuerySet[FollowUp]:
    return FollowUp.objects.select_related("user", "stage_before", "stage_after").prefetch_related(
        Prefetch("objections", queryset=Objection.objects.order_by("id"))
    )


def followup_page(*, customer: Customer, cursor: str, limit: int) -> Page[FollowUp]:
    """A visible customer's follow-ups, newest first, in keyset pages."""
    return page_by_keys(
        _followups().filter(customer_id=customer.pk),
        keys=[("at", dt.datetime), ("id", int)],
        descending=True,
        cursor=cursor,
        limit=limit,
    )


def followup_get(*, followup_id: int) -> FollowUp:
    """One follow-up with what its API answer shows (the caller has checked the customer)."""
    return _followups().get(pk=followup_id)


# ---------------------------------------------------------------- objections


def _objections_visible_to(user: User | AnonymousUser) -> QuerySet[Objection]:
    return Objection.objects.filter(
        customer_id__in=Customer.objects.visible_to(user).values("pk")
    ).select_related("customer", "customer__owner", "followup", "followup__user")


def objection_get_for_user(*, user: User | AnonymousUser, objection_id: int) -> Objection:
    """An objection on a customer the user sees; NotFound (404) for any other."""
    objection = found(_objections_visible_to(user).filter(pk=objection_id).first())
    return objection


def objections_open(
    *,
    user: User | AnonymousUser,
    owner_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Objection]:
    """Objections still open on the customers the user sees, newest first; with `owner_id`
    only those on that consultant's customers."""
    rows = _objections_visible_to(user).filter(outcome=Objection.Outcome.OPEN)
    if owner_id is not None:
        rows = rows.filter(customer__owner_id=owner_id)
    return page_by_id(rows, cursor=cursor, limit=limit)


def objections_of_customer(*, customer: Customer, limit: int = 20) -> list[Objection]:
    """A visible customer's objections, open ones first, then the newest."""
    rows = Objection.objects.filter(customer_id=customer.pk).select_related("followup")
    order = Case(When(outcome=Objection.Outcome.OPEN, then=0), default=1)
    return list(rows.order_by(order, "-id")[:limit])

"""/api/v1 for the intention pipeline (issue 3, item 11): follow-ups, stage, grade and MAN,
the work list, stages, public pools (claim, release), the funnel and the script library.

Thin, like the customer API: parse, call a service or selector, render. A customer outside
the caller's scope answers 404 exactly like one that does not exist; a visible customer the
caller may not change answers 403; bad input answers 422 with per-field messages in the
caller's language, and nothing is written.
"""

import datetime as dt
from typing import Annotated

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from guanxi.core.errors import ValidationFailed
from guanxi.customers.schemas import Id
from guanxi.customers.selectors import customer_get_for_user
from guanxi.pipeline import funnel, pools, scripts, selectors, services
from guanxi.pipeline.models import FollowUp, Objection, Prospect
from guanxi.pipeline.schemas import (
    ClaimOut,
    FollowUpIn,
    FollowUpOut,
    FollowUpPageOut,
    FunnelOut,
    GradeIn,
    ManIn,
    PoolCustomerPageOut,
    PoolOut,
    ProspectOut,
    ReleaseIn,
    ReleaseOut,
    ScriptOut,
    StageIn,
    StageOut,
    WorklistOut,
)

router = Router(tags=["pipeline"])

_CURSOR = r"^[0-9T:.+\-_ ]*$"


def _customer(user, customer_id):
    return customer_get_for_user(user, customer_id)


def _prospect_out(user, customer) -> Prospect:
    """The customer's pipeline state as stored; an unsaved default if it has none yet
    (a GET never writes)."""
    prospect = selectors.prospect_for_user(user, customer)
    if prospect is None:
        prospect = Prospect(customer_id=customer.pk, owner_id=customer.owner_id)
    if prospect.owner_id:
        prospect.owner = customer.owner if customer.owner_id == prospect.owner_id else None
    return prospect


# ---------------------------------------------------------------- follow-ups


def _followups_of(customer, *, cursor: str, limit: int):
    """A visible customer's follow-ups, newest first, in keyset pages (cursor "<at>_<id>")."""
    rows = FollowUp.objects.filter(customer_id=customer.pk)
    if cursor:
        try:
            moment, row_id = cursor.rsplit("_", 1)
            moment, row_id = dt.datetime.fromisoformat(moment), int(row_id)
        except ValueError:
            raise ValidationFailed(
                field_errors={"cursor": [_("This page link is out of date.")]}
            ) from None
        rows = rows.filter(Q(at__lt=moment) | Q(at=moment, id__lt=row_id))
    rows = list(
        rows.select_related("user", "stage_before", "stage_after")
        .prefetch_related(Prefetch("objections", queryset=Objection.objects.order_by("id")))
        .order_by("-at", "-id")[: limit + 1]
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = f"{rows[-1].at.isoformat()}_{rows[-1].pk}"
    return rows, next_cursor


class FollowUpQuery(Schema):
    cursor: Annotated[str, Field(max_length=80, pattern=_CURSOR)] = ""
    limit: int = Field(30, ge=1, le=100)


@router.get(
    "/customers/{int:customer_id}/followups",
    response=FollowUpPageOut,
    summary="A customer's follow-ups, newest first",
)
def followup_list(request, customer_id: int, query: Query[FollowUpQuery]):
    customer = _customer(request.auth, customer_id)
    rows, next_cursor = _followups_of(customer, cursor=query.cursor, limit=query.limit)
    return {"items": rows, "next_cursor": next_cursor}


@router.post(
    "/customers/{int:customer_id}/followups",
    response={201: FollowUpOut},
    summary="Log a follow-up (may move the stage and grade)",
)
def followup_create(request, customer_id: int, payload: FollowUpIn):
    customer = _customer(request.auth, customer_id)
    data = payload.model_dump()
    followup = services.followup_log(actor=request.auth, customer=customer, data=data)
    rows, _next = _followups_of(customer, cursor="", limit=1)
    created = next((row for row in rows if row.pk == followup.pk), None)
    if created is None:  # an older `at` cannot happen, but never answer with another row
        created = FollowUp.objects.select_related("user", "stage_before", "stage_after").get(
            pk=followup.pk
        )
    return Status(201, created)


# ---------------------------------------------------------------- stage, grade, MAN


@router.get(
    "/customers/{int:customer_id}/prospect",
    response=ProspectOut,
    summary="A customer's stage, grade, MAN, tracking and due date",
)
def prospect_detail(request, customer_id: int):
    customer = _customer(request.auth, customer_id)
    return _prospect_out(request.auth, customer)


@router.post("/customers/{int:customer_id}/stage", response=ProspectOut, summary="Set the stage")
def prospect_stage(request, customer_id: int, payload: StageIn):
    customer = _customer(request.auth, customer_id)
    services.prospect_set_stage(
        actor=request.auth, customer=customer, stage=payload.stage, note=payload.note
    )
    return _prospect_out(request.auth, customer)


@router.post("/customers/{int:customer_id}/grade", response=ProspectOut, summary="Set the grade")
def prospect_grade(request, customer_id: int, payload: GradeIn):
    customer = _customer(request.auth, customer_id)
    services.prospect_set_grade(actor=request.auth, customer=customer, grade=payload.grade)
    return _prospect_out(request.auth, customer)


@router.post(
    "/customers/{int:customer_id}/man",
    response=ProspectOut,
    summary="Money / Authority / Need (true, false or null = unknown)",
)
def prospect_man(request, customer_id: int, payload: ManIn):
    customer = _customer(request.auth, customer_id)
    services.man_assess(
        actor=request.auth,
        customer=customer,
        money=payload.money,
        authority=payload.authority,
        need=payload.need,
    )
    return _prospect_out(request.auth, customer)


# ---------------------------------------------------------------- work list and stages


@router.get("/worklist", response=WorklistOut, summary="My work list: overdue, today, this week")
def worklist(request):
    user = request.auth
    rows = selectors.tracked_rows(user)
    sections = selectors.worklist_for_user(user, rows=rows)
    return {
        "sections": [
            {"key": section.key, "rows": section.rows, "more": section.more}
            for section in sections.values()
        ],
        "followed_today": selectors.followed_today(user),
        "daily_target": selectors.daily_target(user),
        "tracked": selectors.tracked_counts(user, rows=rows),
    }


@router.get("/stages", response=list[StageOut], summary="The intention stages and their guidance")
def stage_list(request):
    return selectors.stages()


# ---------------------------------------------------------------- public pools


@router.get("/pools", response=list[PoolOut], summary="The public pools I am a member of")
def pool_list(request):
    return pools.pools_for_user(request.auth)


class PoolCustomerQuery(Schema):
    reason: Annotated[str, Field(max_length=20)] = ""
    stage: Annotated[str, Field(max_length=10)] = ""
    source: Id | None = None
    cursor: Annotated[str, Field(max_length=80, pattern=_CURSOR)] = ""
    limit: int = Field(50, ge=1, le=100)


@router.get(
    "/pools/{int:pool_id}/customers",
    response=PoolCustomerPageOut,
    summary="Customers in a public pool (phones masked)",
)
def pool_customer_list(request, pool_id: int, query: Query[PoolCustomerQuery]):
    pool = pools.pool_get_for_user(request.auth, pool_id)
    page = pools.pool_customers_for_user(
        request.auth,
        pool,
        reason=query.reason,
        stage=query.stage,
        source=query.source or "",
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post(
    "/customers/{int:customer_id}/claim",
    response=ClaimOut,
    summary="Claim a customer from a public pool",
)
def pool_claim(request, customer_id: int):
    customer = _customer(request.auth, customer_id)
    claimed = pools.pool_claim(actor=request.auth, customer=customer)
    return {"customer_id": claimed.pk, "owner": {"id": request.auth.pk, "name": str(request.auth)}}


@router.post(
    "/customers/{int:customer_id}/release",
    response=ReleaseOut,
    summary="Release a customer to the public pool",
)
def pool_release(request, customer_id: int, payload: ReleaseIn):
    customer = _customer(request.auth, customer_id)
    entry = pools.pool_release(
        actor=request.auth, customer=customer, reason=payload.reason, note=payload.note
    )
    return {
        "customer_id": entry.customer_id,
        "pool": {"id": entry.pool.pk, "name": entry.pool.name},
        "reason": entry.reason,
        "released_at": entry.released_at,
    }


# ---------------------------------------------------------------- funnel


class FunnelQuery(Schema):
    start: dt.date | None = Field(None, description="Default: 1 January of this year")
    end: dt.date | None = Field(None, description="Default: today")
    source: Id | None = None
    owner: Id | None = None


@router.get("/funnel", response=FunnelOut, summary="Funnel: reached, conversion, median days")
def funnel_view(request, query: Query[FunnelQuery]):
    default_start, default_end = funnel.default_period(timezone.localdate())
    start, end = query.start or default_start, query.end or default_end
    if start > end:
        raise ValidationFailed(field_errors={"end": [_("The end is before the start.")]})
    if (end - start).days > 366 * 5:
        raise ValidationFailed(field_errors={"start": [_("Choose a period of at most 5 years.")]})
    return funnel.funnel_figures(
        request.auth, start=start, end=end, source=query.source, owner=query.owner
    )


# ---------------------------------------------------------------- scripts


class ScriptQuery(Schema):
    q: Annotated[str, Field(max_length=scripts.QUERY_MAX)] = ""
    type: Annotated[str, Field(max_length=12)] = ""
    stage: Annotated[str, Field(max_length=10)] = ""
    limit: int = Field(scripts.SEARCH_LIMIT, ge=1, le=100)


@router.get(
    "/scripts", response=list[ScriptOut], tags=["scripts"], summary="Search the script library"
)
def script_list(request, query: Query[ScriptQuery]):
    return scripts.script_search(
        query.q, objection_type=query.type, stage=query.stage, limit=query.limit
    )

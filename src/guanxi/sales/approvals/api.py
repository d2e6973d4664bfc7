"""/api/v1 for approvals (ORD-2): the caller's queue, deciding, withdrawing, and every
approval round of a record. Thin: the engine (`guanxi.sales.approvals.services`) decides who may do
what, so an approval cannot be skipped or decided out of turn through the API either.

A record the caller may not see (and took no part in approving) answers 404 like one that
does not exist."""

from ninja import Field, Query, Router, Schema

from guanxi.core.schemas import IdCursor
from guanxi.sales.approvals import selectors
from guanxi.sales.approvals import services as approvals
from guanxi.sales.approvals.schemas import (
    ApprovalListOut,
    ApprovalOut,
    DecideIn,
    QueuePageOut,
    Target,
    WithdrawIn,
)

router = Router(tags=["sales"])


class QueueQuery(Schema):
    cursor: IdCursor = ""
    limit: int = Field(selectors.QUEUE_LIMIT, ge=1, le=selectors.MAX_LIMIT)


def _one(user, approval_id) -> ApprovalOut:
    return selectors.approval_get_for_user(user=user, approval_id=approval_id)


@router.get(
    "/approvals/queue",
    response=QueuePageOut,
    summary="My pending approval tasks, oldest first",
)
def approval_queue(request, query: Query[QueueQuery]):
    rows, next_cursor = selectors.approval_queue_for_user(
        user=request.auth, cursor=query.cursor, limit=query.limit
    )
    return {"items": rows, "next_cursor": next_cursor}


@router.post(
    "/approvals/{int:approval_id}/decide",
    response=ApprovalOut,
    summary="Approve or reject (a comment is required to reject)",
)
def approval_decide(request, approval_id: int, payload: DecideIn):
    approval = approvals.approval_decide(
        actor=request.auth,
        approval_id=approval_id,
        approve=payload.approve,
        comment=payload.comment,
    )
    return _one(request.auth, approval.pk)


@router.post(
    "/approvals/{target}/{int:record_id}/withdraw",
    response=ApprovalOut,
    summary="Withdraw the record's pending approval (the submitter only)",
)
def approval_withdraw(request, target: Target, record_id: int, payload: WithdrawIn | None = None):
    if not selectors.record_visible(user=request.auth, target=target, record_id=record_id):
        # the submitter may always withdraw what they submitted; others see a 404
        selectors.approval_rounds_for_user(user=request.auth, target=target, record_id=record_id)
    approval = approvals.approval_withdraw(
        actor=request.auth,
        target=target,
        record_id=record_id,
        comment=payload.comment if payload else "",
    )
    return _one(request.auth, approval.pk)


@router.get(
    "/approvals/{target}/{int:record_id}",
    response=ApprovalListOut,
    summary="Every approval round of a record, newest first, with steps and history",
)
def approval_rounds(request, target: Target, record_id: int):
    return {
        "items": selectors.approval_rounds_for_user(
            user=request.auth, target=target, record_id=record_id
        )
    }

"""/api/v1/worklist: the caller's own work list."""

from ninja import Router

from guanxi.pipeline.worklist import selectors
from guanxi.pipeline.worklist.schemas import WorklistOut

router = Router(tags=["pipeline"])


@router.get(
    "/worklist",
    response=WorklistOut,
    summary="My work list: overdue, today, this week",
    operation_id="guanxi_pipeline_api_worklist",
)
def worklist(request):
    user = request.auth
    rows = selectors.tracked_rows(user=user)
    sections = selectors.worklist_for_user(user=user, rows=rows)
    return {
        "sections": [
            {"key": section.key, "rows": section.rows, "more": section.more}
            for section in sections.values()
        ],
        "followed_today": selectors.followed_today(user=user),
        "daily_target": selectors.daily_target(user=user),
        "tracked": selectors.tracked_counts(user=user, rows=rows),
    }

"""/api/v1 for care rules (CARE-2): read and preview. Customer relations and administrators
(permission care.rules); the preview counts only customers the caller may see. Bad preview
parameters answer 422 with per-field messages."""

from typing import Any

from ninja import Query, Router

from guanxi.care.models import CareRule
from guanxi.care.rules import selectors
from guanxi.care.rules.schemas import PreviewOut, PreviewQuery, RuleOut, RulePageOut
from guanxi.care.rules.validation import RuleInput, rule_clean
from guanxi.core.pagination import Page, page_by_keys
from guanxi.core.schemas import PageQuery

router = Router(tags=["care rules"])


@router.get("/care/rules", response=RulePageOut, summary="Care rules (the touch-point table)")
def rule_list(request: Any, query: Query[PageQuery]) -> dict[str, Any]:
    page: Page[CareRule] = page_by_keys(
        selectors.rules_list(user=request.auth),
        keys=[("sort_order", int), ("id", int)],
        descending=False,
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/care/rules/{int:rule_id}", response=RuleOut, summary="A care rule")
def rule_detail(request: Any, rule_id: int) -> CareRule:
    return selectors.rule_for_user(user=request.auth, rule_id=rule_id)


def preview_rule(rule: CareRule, changes: dict[str, str]) -> CareRule:
    """The rule with the changes applied (not saved), or ValidationFailed."""
    values: dict[str, Any] = {
        key: value
        for key, value in changes.items()
        if value != "" and key in {"trigger", "offset", "offset_unit", "business_hours"}
    }
    params = dict(rule.params or {})
    for key in ("days", "per_month", "dates"):
        if changes.get(key):
            params[key] = changes[key]
    cleaned = rule_clean(data=RuleInput(**values, params=params), rule=rule)
    draft = CareRule.objects.get(pk=rule.pk)
    for name, value in cleaned.items():
        setattr(draft, name, value)
    return draft


@router.get(
    "/care/rules/{int:rule_id}/preview",
    response=PreviewOut,
    summary="What a care rule would do in the next 7 days",
)
def rule_preview(request: Any, rule_id: int, query: Query[PreviewQuery]) -> Any:
    rule = selectors.rule_for_user(user=request.auth, rule_id=rule_id)
    draft = preview_rule(rule, query.dict())
    return selectors.rule_preview(user=request.auth, rule=draft)

"""The navbar's 回访 links: which of them the user may open."""

from typing import Any

from django import template

from guanxi.accounts.selectors import user_can
from guanxi.care.common.permissions import MANAGE_RULES, SPOT_CHECK, TASK_OTHERS

register = template.Library()


@register.simple_tag
def care_visits_menu(user: Any) -> dict[str, bool]:
    return {
        "topics": user_can(user=user, permission=MANAGE_RULES),
        "spot_checks": user_can(user=user, permission=SPOT_CHECK),
        "team": user_can(user=user, permission=TASK_OTHERS),
    }

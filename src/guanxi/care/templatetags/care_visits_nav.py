"""The navbar's 回访 links: which of them the user may open."""

from typing import Any

from django import template

from guanxi.accounts.selectors import user_can_each
from guanxi.care.common.permissions import MANAGE_RULES, SPOT_CHECK, TASK_OTHERS

register = template.Library()


@register.simple_tag
def care_visits_menu(user: Any) -> dict[str, bool]:
    return user_can_each(
        user=user,
        permissions={"topics": MANAGE_RULES, "spot_checks": SPOT_CHECK, "team": TASK_OTHERS},
    )

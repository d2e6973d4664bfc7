"""The navbar's satisfaction links: which of them the user may open."""

from typing import Any

from django import template

from guanxi.accounts.selectors import user_can
from guanxi.satisfaction.common.permissions import IMPORT, MANAGE_SURVEYS

register = template.Library()


@register.simple_tag
def satisfaction_menu(user: Any) -> dict[str, bool]:
    return {
        "templates": user_can(user=user, permission=MANAGE_SURVEYS),
        "imports": user_can(user=user, permission=IMPORT),
    }

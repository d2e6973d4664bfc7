"""The navbar's satisfaction links: which of them the user may open."""

from typing import Any

from django import template

from guanxi.accounts.selectors import user_can_each
from guanxi.satisfaction.common.permissions import IMPORT, MANAGE_SURVEYS

register = template.Library()


@register.simple_tag
def satisfaction_menu(user: Any) -> dict[str, bool]:
    return user_can_each(user=user, permissions={"templates": MANAGE_SURVEYS, "imports": IMPORT})

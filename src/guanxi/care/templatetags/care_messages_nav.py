"""The navbar's "messages" menu: which of its links the user may open."""

from typing import Any

from django import template

from guanxi.accounts.selectors import user_can
from guanxi.care.common.permissions import MANAGE_TEMPLATES

register = template.Library()


@register.simple_tag
def care_messages_menu(user: Any) -> dict[str, bool]:
    return {"templates": user_can(user=user, permission=MANAGE_TEMPLATES)}

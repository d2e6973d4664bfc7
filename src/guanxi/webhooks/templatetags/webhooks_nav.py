from typing import Any

from django import template

from guanxi.accounts.selectors import user_can
from guanxi.webhooks.common.permissions import MANAGE

register = template.Library()


@register.simple_tag
def webhooks_allowed(user: Any) -> bool:
    """The navbar's webhooks link is for holders of webhooks.manage."""
    return user_can(user=user, permission=MANAGE)

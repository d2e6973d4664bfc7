from typing import Any

from django import template

from guanxi.accounts.selectors import user_can
from guanxi.care.common.permissions import MANAGE_RULES

register = template.Library()


@register.simple_tag
def care_rules_allowed(user: Any) -> bool:
    """The navbar's care-rules link is for customer relations and administrators."""
    return user_can(user=user, permission=MANAGE_RULES)

from typing import Any

from django import template

from guanxi.accounts.selectors import user_can
from guanxi.portal.common.permissions import MANAGE_FORMS

register = template.Library()


@register.simple_tag
def portal_forms_allowed(user: Any) -> bool:
    """The navbar's web-forms link is for those who set up web-to-lead forms."""
    return user_can(user=user, permission=MANAGE_FORMS)

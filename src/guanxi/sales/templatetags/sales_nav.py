"""The navbar's "contracts and money" menu: which of its links the user may open."""

from django import template

from guanxi.accounts.selectors import user_can
from guanxi.sales.common.permissions import MANAGE_FLOWS, SET_TARGETS
from guanxi.sales.reports.selectors import has_team

register = template.Library()


@register.simple_tag
def sales_menu(user) -> dict:
    return {
        "flows": user_can(user=user, permission=MANAGE_FLOWS),
        "targets": user_can(user=user, permission=SET_TARGETS),
        "team": has_team(viewer=user),
    }

"""Navigation helpers of the pipeline pages (the Team link is for managers only)."""

from django import template

from guanxi.pipeline.reports.selectors import supervises_others

register = template.Library()


@register.simple_tag
def sees_team(user) -> bool:
    """Whether the user's data scope covers other users (scope is cached on the user)."""
    return supervises_others(user=user)

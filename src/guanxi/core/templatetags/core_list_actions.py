"""`{% list_actions "contracts" %}`: the buttons higher apps add to a list page."""

from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from guanxi.core.list_actions import list_actions as hook

register = template.Library()


@register.simple_tag(takes_context=True)
def list_actions(context: template.Context, list_key: str, **kwargs: Any) -> SafeString:
    request = context.get("request")
    if request is None:
        return mark_safe("")
    parts = [
        conditional_escape(part)
        for part in hook.call_all(request=request, list_key=list_key, **kwargs)
    ]
    return mark_safe("".join(parts))  # noqa: S308 - each part escaped unless already safe

"""`{% jinja "app/fragment.jinja" name=value … %}`: a Jinja2 fragment inside a Django template
(core.jinja). The fragment sees only the names given, not the page's context."""

from typing import Any

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def jinja(template_name: str, **context: Any) -> SafeString:
    fragment = engines["jinja2"].env.get_template(template_name)  # type: ignore[attr-defined]
    # autoescaped by Jinja2: what it returns is HTML
    return mark_safe(fragment.render(context))  # noqa: S308

"""`{{ amount|yuan }}`: money on every sales page as ¥12,345.60 (see money.yuan)."""

from django import template

from guanxi.sales.common import money

register = template.Library()


@register.filter
def yuan(value) -> str:
    try:
        return money.yuan(value)
    except (TypeError, ValueError):
        return ""

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


@register.filter
def percent_of(fraction) -> str:
    """`{{ "0.08"|percent_of }}` → "8%": a stored rate (a fraction) as people write it."""
    try:
        number = money.to_decimal(fraction if fraction not in (None, "") else "0") * 100
    except (TypeError, ValueError):
        return ""
    return f"{format(number.normalize(), 'f') if number else '0'}%"

"""`{{ amount|money }}`: money outside the sales pages (the pipeline's expected amounts),
printed like the ledgers: ¥12,345.60 (core.audit_text.money_text)."""

from django import template

from guanxi.core.audit_text import money_text

register = template.Library()


@register.filter
def money(value: object) -> str:
    if value is None or value == "":
        return ""
    return money_text(value)

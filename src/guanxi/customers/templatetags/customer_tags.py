"""Template helpers for the customer pages: masked and formatted phones, badges."""

from django import template

from guanxi.core.phones import display_phone, mask_phone
from guanxi.customers.models import Tag

register = template.Library()

CATEGORY_COLOURS = {
    "non": "secondary",
    "potential": "azure",
    "target": "orange",
    "actual": "green",
    "lost": "red",
}
# Colours a tag badge shows as stored (grey "secondary" too); any other value shows blue.
TAG_COLOURS = {*Tag.COLOURS, "secondary"}


@register.filter
def masked_phone(value: str) -> str:
    """138****8000 — the only form a phone takes in lists (ARC-6)."""
    return mask_phone(value or "")


@register.filter
def phone(value: str) -> str:
    return display_phone(value or "")


@register.filter
def category_colour(value: str) -> str:
    return CATEGORY_COLOURS.get(value, "secondary")


@register.filter
def tag_colour(value: str) -> str:
    return value if value in TAG_COLOURS else "blue"


@register.filter
def field_errors(errors: dict, name: str):
    return (errors or {}).get(name, [])


@register.filter
def get_field(form, name: str):
    """The bound field `name` of a form (for loops over field names)."""
    return form[name]

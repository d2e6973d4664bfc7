"""Reads for the customer-side configuration pages (custom fields, rules, tags, sources)."""

from typing import Any

from guanxi.customers.models import CustomFieldDefinition, DuplicateRule, Source, Tag


def custom_field_list() -> list[CustomFieldDefinition]:
    return list(CustomFieldDefinition.objects.order_by("sort_order", "id"))


def duplicate_rule_list() -> list[dict[str, Any]]:
    """Every rule the code knows, with whether it is on (a missing row counts as off)."""
    active = dict(DuplicateRule.objects.values_list("field", "is_active"))
    return [
        {"field": value, "label": label, "is_active": active.get(value, False)}
        for value, label in DuplicateRule.Field.choices
    ]


def tag_list() -> list[Tag]:
    """Every tag, by name (tags are shared labels, not customer data)."""
    return list(Tag.objects.order_by("name"))


def source_list() -> list[Source]:
    return list(Source.objects.order_by("sort_order", "id"))

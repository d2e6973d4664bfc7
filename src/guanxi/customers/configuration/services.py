"""Writes of the customer-side configuration an administrator edits: custom fields,
duplicate rules (with the rebuild of duplicate-check keys), tags and lead sources."""

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.accounts.permissions import MANAGE_FIELDS
from guanxi.accounts.selectors import user_can
from guanxi.core.crypto import decrypt
from guanxi.core.errors import Conflict, PermissionDenied, ValidationFailed
from guanxi.customers import dedup
from guanxi.customers.models import (
    Customer,
    CustomerTag,
    CustomFieldDefinition,
    DedupKey,
    DuplicateRule,
    Source,
    Tag,
)

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def _require(actor: Any) -> None:
    if not user_can(actor, MANAGE_FIELDS):
        raise PermissionDenied()


def _sort_order(value: Any, errors: dict[str, list[str]]) -> int:
    """A position in a list (0 if blank); an error on `sort_order` if not a whole number."""
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        errors["sort_order"] = [_("Enter a whole number.")]
        return 0


# ---------------------------------------------------------------- custom fields


def _clean_custom_field(
    *, label: str, field_type: str, choices: Iterable[str], applies_to: str, sort_order: Any
) -> tuple[str, list[str], int]:
    errors: dict[str, list[str]] = {}
    label = (label or "").strip()
    if not label:
        errors["label"] = [_("Enter a label.")]
    elif len(label) > 60:
        errors["label"] = [_("At most 60 characters.")]
    if field_type not in CustomFieldDefinition.Type.values:
        errors["field_type"] = [_("Unknown type.")]
    cleaned_choices: list[str] = []
    for choice in choices or []:
        text = str(choice).strip()[:60]
        if text and text not in cleaned_choices:
            cleaned_choices.append(text)
    if field_type == CustomFieldDefinition.Type.CHOICE and not cleaned_choices:
        errors["choices"] = [_("A choice field needs at least one choice.")]
    if field_type != CustomFieldDefinition.Type.CHOICE:
        cleaned_choices = []
    if applies_to not in ("", "person", "organisation"):
        errors["applies_to"] = [_("Unknown choice.")]
    order = _sort_order(sort_order, errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return label, cleaned_choices, order


@transaction.atomic
def custom_field_create(
    *,
    actor: Any,
    key: str,
    label: str,
    field_type: str,
    choices: Iterable[str] = (),
    required: bool = False,
    applies_to: str = "",
    sort_order: int = 0,
    is_active: bool = True,
) -> CustomFieldDefinition:
    _require(actor)
    key = (key or "").strip().lower()
    if not _KEY_RE.match(key):
        raise ValidationFailed(
            field_errors={
                "key": [_("Use lower-case letters, digits and _, starting with a letter.")]
            }
        )
    if CustomFieldDefinition.objects.filter(key=key).exists():
        raise ValidationFailed(field_errors={"key": [_("This key is already used.")]})
    label, choices, sort_order = _clean_custom_field(
        label=label,
        field_type=field_type,
        choices=choices,
        applies_to=applies_to,
        sort_order=sort_order,
    )
    return CustomFieldDefinition.objects.create(
        key=key,
        label=label,
        field_type=field_type,
        choices=choices,
        required=bool(required),
        applies_to=applies_to,
        sort_order=sort_order,
        is_active=bool(is_active),
    )


@transaction.atomic
def custom_field_update(
    *,
    actor: Any,
    field: CustomFieldDefinition,
    label: str,
    choices: Iterable[str] = (),
    required: bool = False,
    applies_to: str = "",
    sort_order: int = 0,
    is_active: bool = True,
) -> CustomFieldDefinition:
    """Key and type stay as created: stored values were checked against them."""
    _require(actor)
    label, choices, sort_order = _clean_custom_field(
        label=label,
        field_type=field.field_type,
        choices=choices,
        applies_to=applies_to,
        sort_order=sort_order,
    )
    field.label = label
    field.choices = choices
    field.required = bool(required)
    field.applies_to = applies_to
    field.sort_order = sort_order
    field.is_active = bool(is_active)
    field.save()
    return field


# ---------------------------------------------------------------- duplicate rules (ARC-5)


def _key_groups(rule: str) -> dict[str, list[int]]:
    """digest → ids of the live customers that hold it under `rule`."""
    groups: dict[str, list[int]] = defaultdict(list)
    customers = Customer.objects.filter(deleted_at__isnull=True).only(
        "id",
        "kind",
        "name",
        "name_key",
        "mobile",
        "email",
        "credit_code",
        "office_phone",
        "id_number_encrypted",
    )
    for customer in customers.order_by("id").iterator(chunk_size=2000):
        id_number = (
            decrypt(customer.id_number_encrypted) if rule == DuplicateRule.Field.ID_NUMBER else ""
        )
        for key_rule, value in dedup.key_values(customer, id_number=id_number, rules=[rule]):
            groups[dedup.digest(key_rule, value)].append(customer.pk)
    return groups


def dedup_conflicts(*, rule: str) -> tuple[int, int]:
    """(groups, customers) of live customers that already collide under `rule`."""
    clashing = [ids for ids in _key_groups(rule).values() if len(ids) > 1]
    return len(clashing), sum(len(ids) for ids in clashing)


@transaction.atomic
def dedup_rebuild(*, rule: str | None = None) -> int:
    """Rewrite the DedupKey rows of one rule (or of every active rule) from the live
    customers. Refuses, changing nothing, if existing customers already collide."""
    rules = [rule] if rule else dedup.active_rules()
    written = 0
    for current in rules:
        groups = _key_groups(current)
        clashing = [ids for ids in groups.values() if len(ids) > 1]
        if clashing:
            customers = sum(len(ids) for ids in clashing)
            label = dict(DuplicateRule.Field.choices).get(current, current)
            raise Conflict(
                ngettext(
                    "%(customers)d existing customers share the same %(field)s in %(groups)d "
                    "group; merge or correct them first.",
                    "%(customers)d existing customers share the same %(field)s in %(groups)d "
                    "groups; merge or correct them first.",
                    len(clashing),
                )
                % {"customers": customers, "field": label, "groups": len(clashing)}
            )
        DedupKey.objects.filter(rule=current).delete()
        DedupKey.objects.bulk_create(
            [
                DedupKey(customer_id=ids[0], rule=current, value=digest)
                for digest, ids in groups.items()
            ],
            batch_size=1000,
        )
        written += len(groups)
    return written


@transaction.atomic
def duplicate_rule_set_active(*, actor: Any, field: str, active: bool) -> DuplicateRule:
    """Switch a duplicate rule on (building its keys for existing customers) or off."""
    _require(actor)
    if field not in DuplicateRule.Field.values:
        raise ValidationFailed(field_errors={"field": [_("Unknown duplicate rule.")]})
    rule, _created = DuplicateRule.objects.get_or_create(field=field, defaults={"is_active": False})
    rule = DuplicateRule.objects.select_for_update().get(pk=rule.pk)
    if active:
        # Mark it active first so customers saved from now on write this key too.
        rule.is_active = True
        rule.save(update_fields=["is_active"])
        dedup_rebuild(rule=field)
    else:
        rule.is_active = False
        rule.save(update_fields=["is_active"])
        DedupKey.objects.filter(rule=field).delete()
    return rule


# ---------------------------------------------------------------- tags


def _clean_tag(name: str, color: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("A tag needs a name.")]
    elif len(name) > 30:
        errors["name"] = [_("At most 30 characters.")]
    if color not in Tag.COLOURS:
        errors["color"] = [_("Unknown colour.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return name, color


@transaction.atomic
def tag_create(*, actor: Any, name: str, color: str = "blue") -> Tag:
    _require(actor)
    name, color = _clean_tag(name, color)
    if Tag.objects.filter(name=name).exists():
        raise ValidationFailed(field_errors={"name": [_("This tag already exists.")]})
    return Tag.objects.create(name=name, color=color)


@transaction.atomic
def tag_rename(*, actor: Any, tag: Tag, name: str, color: str) -> Tag:
    _require(actor)
    name, color = _clean_tag(name, color)
    if Tag.objects.filter(name=name).exclude(pk=tag.pk).exists():
        raise ValidationFailed(field_errors={"name": [_("This tag already exists.")]})
    tag.name = name
    tag.color = color
    tag.save(update_fields=["name", "color"])
    return tag


@transaction.atomic
def tag_delete(*, actor: Any, tag: Tag) -> int:
    """Delete a tag and take it off every customer; returns how many customers had it."""
    _require(actor)
    removed, _detail = CustomerTag.objects.filter(tag=tag).delete()
    tag.delete()
    return removed


# ---------------------------------------------------------------- lead sources (ACQ-1)


def _clean_source(
    *, name: str, name_en: str, group: str, sort_order: Any
) -> tuple[str, str, str, int]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Enter a name.")]
    elif len(name) > 60:
        errors["name"] = [_("At most 60 characters.")]
    order = _sort_order(sort_order, errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return name, (name_en or "").strip()[:60], (group or "").strip()[:20], order


@transaction.atomic
def source_create(
    *,
    actor: Any,
    code: str,
    name: str,
    name_en: str = "",
    group: str = "",
    sort_order: int = 0,
    is_active: bool = True,
) -> Source:
    _require(actor)
    code = (code or "").strip().lower()
    if not _CODE_RE.match(code):
        raise ValidationFailed(
            field_errors={"code": [_("Use lower-case letters, digits, - and _.")]}
        )
    if Source.objects.filter(code=code).exists():
        raise ValidationFailed(field_errors={"code": [_("This code is already used.")]})
    name, name_en, group, sort_order = _clean_source(
        name=name, name_en=name_en, group=group, sort_order=sort_order
    )
    return Source.objects.create(
        code=code,
        name=name,
        name_en=name_en,
        group=group,
        sort_order=sort_order,
        is_active=bool(is_active),
    )


@transaction.atomic
def source_update(
    *,
    actor: Any,
    source: Source,
    name: str,
    name_en: str = "",
    group: str = "",
    sort_order: int = 0,
    is_active: bool = True,
) -> Source:
    _require(actor)
    name, name_en, group, sort_order = _clean_source(
        name=name, name_en=name_en, group=group, sort_order=sort_order
    )
    source.name = name
    source.name_en = name_en
    source.group = group
    source.sort_order = sort_order
    source.is_active = bool(is_active)
    source.save()
    return source

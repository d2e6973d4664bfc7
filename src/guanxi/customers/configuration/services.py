"""Writes of the customer-side configuration an administrator edits: custom fields,
duplicate rules (with the rebuild of duplicate-check keys), tags and lead sources."""

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.accounts.models import User
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


def _require(actor: User) -> None:
    if not user_can(user=actor, permission=MANAGE_FIELDS):
        raise PermissionDenied()


def _sort_order(value: Any, errors: dict[str, list[str]]) -> int:
    """A position in a list (0 if blank); an error on `sort_order` if not a whole number."""
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        errors["sort_order"] = [_("Enter a whole number.")]
        return 0


# ---------------------------------------------------------------- custom fields


@dataclass(frozen=True, kw_only=True)
class CustomFieldInput:
    """What an administrator sets on a custom field. `key` and `field_type` count only when
    it is created: stored values were checked against them."""

    label: str
    key: str = ""
    field_type: str = CustomFieldDefinition.Type.TEXT
    choices: Sequence[str] = ()
    required: bool = False
    applies_to: str = ""
    sort_order: int | None = 0
    is_active: bool = True


def _custom_field_values(data: CustomFieldInput, *, field_type: str) -> dict[str, Any]:
    """The values of a custom field of `field_type`, checked."""
    errors: dict[str, list[str]] = {}
    label = (data.label or "").strip()
    if not label:
        errors["label"] = [_("Enter a label.")]
    elif len(label) > 60:
        errors["label"] = [_("At most 60 characters.")]
    if field_type not in CustomFieldDefinition.Type.values:
        errors["field_type"] = [_("Unknown type.")]
    choices: list[str] = []
    for choice in data.choices or []:
        text = str(choice).strip()[:60]
        if text and text not in choices:
            choices.append(text)
    if field_type == CustomFieldDefinition.Type.CHOICE and not choices:
        errors["choices"] = [_("A choice field needs at least one choice.")]
    if field_type != CustomFieldDefinition.Type.CHOICE:
        choices = []
    if data.applies_to not in ("", "person", "organisation"):
        errors["applies_to"] = [_("Unknown choice.")]
    order = _sort_order(data.sort_order, errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {
        "label": label,
        "choices": choices,
        "required": bool(data.required),
        "applies_to": data.applies_to,
        "sort_order": order,
        "is_active": bool(data.is_active),
    }


def _save_values(instance: Model, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(instance, name, value)
    instance.save()


@transaction.atomic
def custom_field_create(*, actor: User, data: CustomFieldInput) -> CustomFieldDefinition:
    _require(actor)
    key = (data.key or "").strip().lower()
    if not _KEY_RE.match(key):
        raise ValidationFailed(
            field_errors={
                "key": [_("Use lower-case letters, digits and _, starting with a letter.")]
            }
        )
    if CustomFieldDefinition.objects.filter(key=key).exists():
        raise ValidationFailed(field_errors={"key": [_("This key is already used.")]})
    values = _custom_field_values(data, field_type=data.field_type)
    return CustomFieldDefinition.objects.create(key=key, field_type=data.field_type, **values)


@transaction.atomic
def custom_field_update(
    *, actor: User, field: CustomFieldDefinition, data: CustomFieldInput
) -> CustomFieldDefinition:
    """Key and type stay as created."""
    _require(actor)
    _save_values(field, _custom_field_values(data, field_type=field.field_type))
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
def duplicate_rule_set_active(*, actor: User, field: str, active: bool) -> DuplicateRule:
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
def tag_create(*, actor: User, name: str, color: str = "blue") -> Tag:
    _require(actor)
    name, color = _clean_tag(name, color)
    if Tag.objects.filter(name=name).exists():
        raise ValidationFailed(field_errors={"name": [_("This tag already exists.")]})
    return Tag.objects.create(name=name, color=color)


@transaction.atomic
def tag_rename(*, actor: User, tag: Tag, name: str, color: str) -> Tag:
    _require(actor)
    name, color = _clean_tag(name, color)
    if Tag.objects.filter(name=name).exclude(pk=tag.pk).exists():
        raise ValidationFailed(field_errors={"name": [_("This tag already exists.")]})
    tag.name = name
    tag.color = color
    tag.save(update_fields=["name", "color"])
    return tag


@transaction.atomic
def tag_delete(*, actor: User, tag: Tag) -> int:
    """Delete a tag and take it off every customer; returns how many customers had it."""
    _require(actor)
    removed, _detail = CustomerTag.objects.filter(tag=tag).delete()
    tag.delete()
    return removed


# ---------------------------------------------------------------- lead sources (ACQ-1)


@dataclass(frozen=True, kw_only=True)
class SourceInput:
    """What an administrator sets on a lead source; `code` counts only when it is created."""

    name: str
    code: str = ""
    name_en: str = ""
    group: str = ""
    sort_order: int | None = 0
    is_active: bool = True


def _source_values(data: SourceInput) -> dict[str, Any]:
    """The values of a lead source, checked."""
    errors: dict[str, list[str]] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = [_("Enter a name.")]
    elif len(name) > 60:
        errors["name"] = [_("At most 60 characters.")]
    order = _sort_order(data.sort_order, errors)
    group = (data.group or "").strip()
    if group and group not in Source.Group.values:
        errors["group"] = [_("Choose offline, online or none.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {
        "name": name,
        "name_en": (data.name_en or "").strip()[:60],
        "group": group,
        "sort_order": order,
        "is_active": bool(data.is_active),
    }


@transaction.atomic
def source_create(*, actor: User, data: SourceInput) -> Source:
    _require(actor)
    code = (data.code or "").strip().lower()
    if not _CODE_RE.match(code):
        raise ValidationFailed(
            field_errors={"code": [_("Use lower-case letters, digits, - and _.")]}
        )
    if Source.objects.filter(code=code).exists():
        raise ValidationFailed(field_errors={"code": [_("This code is already used.")]})
    return Source.objects.create(code=code, **_source_values(data))


@transaction.atomic
def source_update(*, actor: User, source: Source, data: SourceInput) -> Source:
    _require(actor)
    _save_values(source, _source_values(data))
    return source

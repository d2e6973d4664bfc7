"""The audit log as its reader reads it: the record as "<type> <name>" (the model's
translated verbose name) and recorded changes as "<field label>: <before> → <after>", values
formatted for people (money ¥300,000.00, choices by label, users and departments by name,
nothing as "—"). Written entries keep raw values (`detail["changes"]`, core.audit); the
words are chosen when the page is read, in the reader's language."""

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

EMPTY = "—"

# "app_label.model.field" → callable(raw value, the entry's detail) → text, for values a field
# cannot describe itself (a JSON list of permission codes, a target that is money or a count
# by its metric …). Apps register theirs when they start.
type Formatter = Callable[[object, dict], str]
_FORMATTERS: dict[str, Formatter] = {}


def audit_formatters_register(formatters: dict[str, Formatter]) -> None:
    _FORMATTERS.update(formatters)


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def money_text(value: object) -> str:
    """¥12,345.60 whatever the language, as the ledgers and PDFs print money."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    whole, _dot, cents = f"{abs(amount):.2f}".partition(".")
    return f"{sign}¥{int(whole):,}.{cents}"


def _object_names(model: type[models.Model], ids: Iterable) -> dict[str, str]:
    """The names of the records `ids` that exist; an id their key cannot be (a value kept
    in another shape) is left out, not looked up."""
    key = model._meta.pk
    wanted = set()
    for raw in ids:
        if raw in (None, "") or isinstance(raw, dict | list | bool):
            continue
        try:
            wanted.add(key.to_python(raw) if key is not None else raw)
        except (ValidationError, TypeError, ValueError):
            continue
    if not wanted:
        return {}
    found = model._default_manager.filter(pk__in=wanted)
    return {str(obj.pk): _label_of(obj) for obj in found}


def _label_of(obj: models.Model) -> str:
    label = getattr(obj, "audit_label", None)
    return str(label() if callable(label) else obj)


def value_text(
    model: type[models.Model] | None, name: str, value: object, detail: dict | None = None
) -> str:
    """One recorded value of `model.name` as a person reads it (`detail`: the rest of the
    entry, for values whose meaning depends on another field)."""
    if value is None or value == "" or value == []:
        return EMPTY
    formatter = _FORMATTERS.get(f"{model._meta.label_lower}.{name}" if model else "")
    if formatter is not None:
        return formatter(value, detail or {})
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:  # a field removed since the entry was written
        field = None
    if field is None:
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    if isinstance(field, models.ForeignObjectRel):
        # a reverse relation (a contract's lines): the entry kept the related rows themselves;
        # an app that records them registers a formatter that says what they were
        rows = value if isinstance(value, list) else [value]
        return ngettext("%(count)d row", "%(count)d rows", len(rows)) % {"count": len(rows)}
    if field.is_relation and field.related_model is not None:
        ids = value if isinstance(value, list) else [value]
        names = _object_names(field.related_model, ids)
        return ", ".join(names.get(str(i), f"#{i}") for i in ids) or EMPTY
    choices = getattr(field, "flatchoices", None)
    if choices:
        labels = {str(k): v for k, v in choices}
        return str(labels.get(str(value), value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, models.DecimalField):
        if field.decimal_places == 2:
            return money_text(value)
        try:
            return formats.number_format(Decimal(str(value)), use_l10n=True)
        except (InvalidOperation, ValueError):
            return str(value)
    if isinstance(field, models.DateTimeField):
        try:
            return formats.date_format(dt.datetime.fromisoformat(str(value)), "Y-m-d H:i")
        except ValueError:
            return str(value)
    if isinstance(field, models.DateField):
        try:
            return formats.date_format(dt.date.fromisoformat(str(value)), "Y-m-d")
        except ValueError:
            return str(value)
    return str(value)


def field_label(model: type[models.Model] | None, name: str) -> str:
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:  # a field removed since the entry was written
        return name
    if field is None:
        return name
    if isinstance(field, models.ForeignObjectRel):  # a contract's lines: "Contract items"
        return str(capfirst(field.related_model._meta.verbose_name_plural))
    return str(capfirst(getattr(field, "verbose_name", name)))


def _in_field_order(model: type[models.Model] | None, names: Iterable[str]) -> list[str]:
    """The model's order of fields (PostgreSQL's jsonb keeps no order of keys)."""
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())} if model else {}
    return sorted(names, key=lambda name: (order.get(name, len(order)), name))


def _before_after(pair: object) -> tuple[object, object]:
    """A recorded change: [before, after], {"before": …, "after": …} (a change of related
    rows), or only the new value."""
    if isinstance(pair, list):
        before, after = [*pair, None, None][:2]
        return before, after
    if isinstance(pair, dict) and set(pair) <= {"before", "after"}:
        return pair.get("before"), pair.get("after")
    return None, pair


def changes_text(model: type[models.Model] | None, detail: dict) -> str:
    """`detail["values"]` {field: value} as "Label: value", `detail["changes"]`
    {field: [before, after]} as "Label: before → after", in the model's order of fields."""
    parts = []
    values = detail.get("values")
    if isinstance(values, dict):
        for name in _in_field_order(model, values):
            text = value_text(model, name, values[name], detail)
            parts.append(f"{field_label(model, name)}: {text}")
    changes = detail.get("changes")
    if isinstance(changes, dict):
        for name in _in_field_order(model, changes):
            before, after = _before_after(changes[name])
            parts.append(
                f"{field_label(model, name)}: "
                f"{value_text(model, name, before, detail)} → "
                f"{value_text(model, name, after, detail)}"
            )
    return "; ".join(parts)


def _rebuilt_label(model: type[models.Model] | None, detail: dict) -> str | None:
    """The name of a record deleted since, rebuilt from the fields its entry kept (a model
    with `audit_label` names itself from them, in the reader's language)."""
    if model is None or not hasattr(model, "audit_label"):
        return None
    values = {}
    for field in model._meta.concrete_fields:
        if field.name in detail:
            try:
                values[field.attname] = field.to_python(detail[field.name])
            except (ValidationError, TypeError, ValueError):  # kept before the field changed
                return None
    if not values:
        return None
    try:
        return _label_of(model(**values))
    except (ObjectDoesNotExist, AttributeError, TypeError, ValueError):  # too little kept
        return None


def audit_entries_describe(entries: list) -> list:
    """Set `record_text` and `summary_text` on each entry (one query per record type)."""
    by_type: dict[str, set[str]] = {}
    for entry in entries:
        if entry.target_type and entry.target_id:
            by_type.setdefault(entry.target_type, set()).add(entry.target_id)
    names: dict[tuple[str, str], str] = {}
    for label, ids in by_type.items():
        model = _model(label)
        if model is not None:
            for pk, name in _object_names(model, ids).items():
                names[(label, pk)] = name
    for entry in entries:
        model = _model(entry.target_type)
        if not entry.target_type:
            entry.record_text = ""
        else:
            kind = str(capfirst(model._meta.verbose_name)) if model else entry.target_type
            detail = entry.detail if isinstance(entry.detail, dict) else {}
            name = (
                names.get((entry.target_type, entry.target_id))
                or _rebuilt_label(model, detail)
                or detail.get("name")
                or (f"#{entry.target_id}" if entry.target_id else "")
            )
            entry.record_text = f"{kind} {name}".strip()
        detail = entry.detail if isinstance(entry.detail, dict) else {}
        text = changes_text(model, detail)
        entry.summary_text = "; ".join(part for part in (entry.summary, text) if part) or EMPTY
    return entries

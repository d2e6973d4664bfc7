"""Cleaning a care rule's fields (the form and the API alike): every refusal is a field error
and nothing is saved."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from guanxi.accounts.models import Department, Role, User
from guanxi.care.models import CareRule, CareTask, CareTopic, MessageTemplate, Trigger
from guanxi.core.dataclass_values import dataclass_values
from guanxi.core.errors import ValidationFailed
from guanxi.customers.archive.validation import UNSET, Text, Unset
from guanxi.customers.models import Customer
from guanxi.pipeline.models import FollowUp, Stage

MAX_OFFSET: dict[str, int] = {CareRule.Unit.HOURS: 24 * 366, CareRule.Unit.DAYS: 366}
TEXT_LIMITS = {"name": 120, "name_en": 120, "stage": 60, "purpose": 120}
PARAM_KEYS = {"days", "per_month", "dates", "stages", "categories", "channels", "within_hours"}


# a checkbox as the form posts it ("on") or the service passes it (True)
Flag = bool | str | Unset | None


@dataclass(frozen=True, kw_only=True)
class RuleInput:
    """A care rule's fields as given (form text or Python values); `rule_clean` decides. A
    field left UNSET is not given: a new rule leaves it blank (switched off), a change keeps
    the stored value. The references take a row, its id, or the id as text."""

    name: Text = UNSET
    name_en: Text = UNSET
    stage: Text = UNSET
    purpose: Text = UNSET
    trigger: Text = UNSET
    params: dict[str, Any] | Unset | None = UNSET
    offset: int | str | Unset | None = UNSET
    offset_unit: Text = UNSET
    business_hours: Flag = UNSET
    action: Text = UNSET
    channel: Text = UNSET
    template: MessageTemplate | int | str | Unset | None = UNSET
    topic: CareTopic | int | str | Unset | None = UNSET
    task_kind: Text = UNSET
    assignee: Text = UNSET
    assignee_role: Role | int | str | Unset | None = UNSET
    assignee_department: Department | int | str | Unset | None = UNSET
    assignee_user: User | int | str | Unset | None = UNSET
    implementer_role: Role | int | str | Unset | None = UNSET
    supervisor_role: Role | int | str | Unset | None = UNSET
    enabled: Flag = UNSET

    def given(self) -> dict[str, Any]:
        """The fields that were given (not UNSET)."""
        return {name: value for name, value in dataclass_values(self).items() if value is not UNSET}


def _pk(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if hasattr(value, "pk"):
        return int(value.pk)
    try:
        return int(str(value))
    except ValueError:
        return -1


def _whole(value: Any, *, low: int, high: int) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


def _codes(value: Any) -> list[str] | None:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in value.replace("，", ",").split(",")]
    if not isinstance(value, list | tuple):
        return None
    return [str(part).strip() for part in value if str(part).strip()]


def _holiday_dates(value: Any) -> list[str] | None:
    codes = _codes(value)
    if codes is None:
        return None
    for code in codes:
        try:
            if len(code) == 10:
                dt.date.fromisoformat(code)
            else:
                month, day = code.split("-")
                dt.date(2024, int(month), int(day))  # a leap year: 02-29 is a day
        except ValueError:
            return None
    return codes


def params_clean(*, trigger: str, raw: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, dict):
        errors["params"] = [_("The trigger settings must be an object.")]
        return {}
    unknown = sorted(set(raw) - PARAM_KEYS)
    if unknown:
        errors["params"] = [_("Unknown settings: %(names)s.") % {"names": ", ".join(unknown)}]
    params: dict[str, Any] = {}
    numbers = (
        # key, range, the error out of range, the trigger that needs it and the error without
        (
            "days",
            (1, 3650),
            _("Enter a number of days from 1 to 3650."),
            Trigger.NO_CONTACT,
            _("Say after how many days without contact."),
        ),
        (
            "per_month",
            (1, 31),
            _("Enter how many contacts a month, from 1 to 31."),
            Trigger.UPKEEP,
            _("Say how many contacts a month."),
        ),
        ("within_hours", (0, 24 * 30), _("Enter a number of hours from 0 to 720."), None, ""),
    )
    for key, (low, high), invalid, needed_by, missing in numbers:
        if raw.get(key) not in (None, ""):
            params[key] = _whole(raw[key], low=low, high=high)
            if params[key] is None:
                errors[f"params.{key}"] = [invalid]
        elif trigger == needed_by:
            errors[f"params.{key}"] = [missing]
    dates = _holiday_dates(raw.get("dates"))
    if dates is None:
        errors["params.dates"] = [
            _("Write the dates as MM-DD (every year) or YYYY-MM-DD, separated by commas.")
        ]
    elif dates:
        params["dates"] = dates
    elif trigger == Trigger.HOLIDAY:
        errors["params.dates"] = [_("Name at least one holiday date.")]
    choices = {
        "stages": set(Stage.objects.values_list("code", flat=True)),
        "categories": set(Customer.Category.values),
        "channels": set(FollowUp.Channel.values),
    }
    for key, allowed in choices.items():
        codes = _codes(raw.get(key))
        if codes is None or any(code not in allowed for code in codes):
            errors[f"params.{key}"] = [
                _("Choose from: %(codes)s.") % {"codes": ", ".join(sorted(allowed))}
            ]
        elif codes:
            params[key] = codes
    return params


def _fk(
    model: Any,
    value: Any,
    *,
    field: str,
    errors: dict[str, list[str]],
    message: str,
    **filters: Any,
) -> Any:
    pk = _pk(value)
    if pk is None:
        return None
    found = model.objects.filter(pk=pk, **filters).first()
    if found is None:
        errors[field] = [message]
    return found


def _stored_order(params: dict[str, Any], *, stored: dict[str, Any]) -> dict[str, Any]:
    """A list of codes naming the same ones as the stored list keeps the stored order: the codes
    are a set, and a form gives them in its own order, so saving a rule unchanged must not read
    as a change in its history."""
    kept = dict(params)
    for key, value in params.items():
        before = stored.get(key)
        if isinstance(value, list) and isinstance(before, list) and sorted(value) == sorted(before):
            kept[key] = before
    return kept


def rule_clean(*, data: RuleInput, rule: CareRule) -> dict[str, Any]:
    """The rule's fields after the ones `data` gives (a partial change), or ValidationFailed."""
    errors: dict[str, list[str]] = {}
    merged: dict[str, Any] = {
        "name": rule.name,
        "name_en": rule.name_en,
        "stage": rule.stage,
        "purpose": rule.purpose,
        "trigger": rule.trigger,
        "params": rule.params,
        "offset": rule.offset,
        "offset_unit": rule.offset_unit,
        "business_hours": rule.business_hours,
        "action": rule.action,
        "channel": rule.channel,
        "template": rule.template_id,
        "topic": rule.topic_id,
        "task_kind": rule.task_kind,
        "assignee": rule.assignee,
        "assignee_role": rule.assignee_role_id,
        "assignee_department": rule.assignee_department_id,
        "assignee_user": rule.assignee_user_id,
        "implementer_role": rule.implementer_role_id,
        "supervisor_role": rule.supervisor_role_id,
        "enabled": rule.enabled,
    }
    merged.update(data.given())

    def chosen(model: Any, name: str, message: str, **filters: Any) -> Any:
        """The row that the reference field `name` names; None when blank or unknown (then
        `message` is that field's error)."""
        return _fk(model, merged[name], field=name, errors=errors, message=message, **filters)

    cleaned: dict[str, Any] = {}
    for name, limit in TEXT_LIMITS.items():
        text = str(merged[name] or "").strip()
        if len(text) > limit:
            errors[name] = [_("At most %(count)d characters.") % {"count": limit}]
        cleaned[name] = text
    if not cleaned["name"]:
        errors["name"] = [_("Give the rule a name.")]
    trigger = str(merged["trigger"] or "")
    if trigger not in Trigger.values:
        errors["trigger"] = [_("Choose a trigger from the list.")]
    cleaned["trigger"] = trigger
    unit = str(merged["offset_unit"] or "")
    if unit not in CareRule.Unit.values:
        errors["offset_unit"] = [_("Choose hours or days.")]
        unit = CareRule.Unit.HOURS
    cleaned["offset_unit"] = unit
    offset = _whole(merged["offset"], low=-MAX_OFFSET[unit], high=MAX_OFFSET[unit])
    if offset is None:
        errors["offset"] = [
            _(
                "Enter a whole number of %(unit)s from -%(max)d to %(max)d "
                "(negative: before the trigger)."
            )
            % {"unit": CareRule.Unit(unit).label, "max": MAX_OFFSET[unit]}
        ]
    cleaned["offset"] = offset
    cleaned["business_hours"] = merged["business_hours"] in (True, "on", "true", "1", 1)
    cleaned["enabled"] = merged["enabled"] in (True, "on", "true", "1", 1)
    cleaned["params"] = _stored_order(
        params_clean(trigger=trigger, raw=merged["params"], errors=errors),
        stored=rule.params or {},
    )
    action = str(merged["action"] or "")
    if action not in CareRule.Action.values:
        errors["action"] = [_("Choose a message or a task.")]
    cleaned["action"] = action

    template = chosen(
        MessageTemplate, "template", _("Choose an active message template."), active=True
    )
    topic = chosen(CareTopic, "topic", _("Choose an active 回访 topic."), active=True)
    task_kind = str(merged["task_kind"] or "")
    channel = str(merged["channel"] or "")
    if action == CareRule.Action.MESSAGE:
        if template is None and "template" not in errors:
            errors["template"] = [_("A message needs a template.")]
        channel = template.channel if template is not None else channel
        topic, task_kind = None, ""
    elif action == CareRule.Action.TASK:
        template = None
        task_kind = task_kind or CareTask.Kind.VISIT
        if task_kind not in CareTask.Kind.values:
            errors["task_kind"] = [_("Choose a kind of task.")]
        if task_kind == CareTask.Kind.VISIT and topic is None and "topic" not in errors:
            errors["topic"] = [_("A 回访 needs a topic.")]
        channel = channel or CareTask.Channel.PHONE
        if channel not in CareTask.Channel.values:
            errors["channel"] = [_("Choose phone, web or visit.")]
    cleaned.update(template=template, topic=topic, task_kind=task_kind, channel=channel)
    assignee = str(merged["assignee"] or "")
    if assignee not in CareRule.Assignee.values:
        errors["assignee"] = [_("Choose who does it.")]
    cleaned["assignee"] = assignee
    role_message = _("Choose a role from the list.")
    cleaned["assignee_role"] = chosen(Role, "assignee_role", role_message)
    cleaned["assignee_department"] = chosen(
        Department, "assignee_department", _("Choose a department from the list.")
    )
    cleaned["assignee_user"] = chosen(
        User, "assignee_user", _("Choose an active user."), is_active=True
    )
    for name in ("implementer_role", "supervisor_role"):
        cleaned[name] = chosen(Role, name, role_message)
    needs = {
        CareRule.Assignee.ROLE: ("assignee_role", _("Choose the role.")),
        CareRule.Assignee.DEPARTMENT: ("assignee_department", _("Choose the department.")),
        CareRule.Assignee.USER: ("assignee_user", _("Choose the user.")),
    }
    if action == CareRule.Action.TASK and assignee in needs:
        name, message = needs[CareRule.Assignee(assignee)]
        if cleaned[name] is None and name not in errors:
            errors[name] = [message]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned

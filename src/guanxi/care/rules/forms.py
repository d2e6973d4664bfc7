"""The care rule form: it only gathers and renders; `validation.rule_clean` decides (the API
refuses the same input the same way)."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.forms import TablerFormMixin
from guanxi.accounts.models import Department, Role, User
from guanxi.care.models import CareRule, CareTask, CareTopic, MessageTemplate, Trigger
from guanxi.care.rules.validation import RuleInput
from guanxi.customers.models import Customer
from guanxi.pipeline.models import FollowUp, Stage

PARAM_FIELDS = {
    "days": "param_days",
    "per_month": "param_per_month",
    "dates": "param_dates",
    "stages": "param_stages",
    "categories": "param_categories",
    "channels": "param_channels",
    "within_hours": "param_within_hours",
}
BLANK: list[tuple[str, Any]] = [("", "—")]


def _choices(rows: Any) -> list[tuple[str, Any]]:
    return BLANK + [(str(row.pk), str(row)) for row in rows]


class RuleForm(TablerFormMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=200, required=False)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    stage = forms.CharField(label=_("step of the sale"), max_length=100, required=False)
    purpose = forms.CharField(label=_("purpose"), max_length=200, required=False)
    trigger = forms.CharField(label=_("trigger"), required=False, widget=forms.Select)
    offset = forms.CharField(
        label=_("offset"),
        max_length=12,
        required=False,
        help_text=_("Negative: before the trigger (e.g. -72 hours before a planned delivery)."),
    )
    offset_unit = forms.CharField(label=_("offset unit"), required=False, widget=forms.Select)
    business_hours = forms.BooleanField(
        label=_("only inside business hours"),
        required=False,
        help_text=_("09:00–18:00, Monday to Friday."),
    )
    action = forms.CharField(label=_("action"), required=False, widget=forms.Select)
    template = forms.CharField(label=_("message template"), required=False, widget=forms.Select)
    topic = forms.CharField(label=_("回访 topic"), required=False, widget=forms.Select)
    task_kind = forms.CharField(label=_("task kind"), required=False, widget=forms.Select)
    channel = forms.CharField(label=_("task channel"), required=False, widget=forms.Select)
    assignee = forms.CharField(label=_("assignee"), required=False, widget=forms.Select)
    assignee_role = forms.CharField(label=_("assignee's role"), required=False, widget=forms.Select)
    assignee_department = forms.CharField(
        label=_("department"), required=False, widget=forms.Select
    )
    assignee_user = forms.CharField(label=_("user"), required=False, widget=forms.Select)
    implementer_role = forms.CharField(
        label=_("implementer (实施人)"), required=False, widget=forms.Select
    )
    supervisor_role = forms.CharField(
        label=_("supervisor (监督人)"), required=False, widget=forms.Select
    )
    param_days = forms.CharField(label=_("days without contact"), max_length=12, required=False)
    param_per_month = forms.CharField(label=_("contacts a month"), max_length=12, required=False)
    param_dates = forms.CharField(
        label=_("holiday dates"),
        max_length=400,
        required=False,
        help_text=_("MM-DD for every year or YYYY-MM-DD, separated by commas."),
    )
    param_stages = forms.MultipleChoiceField(
        label=_("only these stages"), required=False, widget=forms.CheckboxSelectMultiple
    )
    param_categories = forms.MultipleChoiceField(
        label=_("only customers of these categories"),
        required=False,
        choices=Customer.Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    param_channels = forms.MultipleChoiceField(
        label=_("only these visit channels"),
        required=False,
        choices=FollowUp.Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    param_within_hours = forms.CharField(
        label=_("task due within (hours)"), max_length=12, required=False
    )
    enabled = forms.BooleanField(label=_("switched on"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]

        selects: dict[str, list[tuple[str, Any]]] = {
            "trigger": list(Trigger.choices),
            "offset_unit": list(CareRule.Unit.choices),
            "action": list(CareRule.Action.choices),
            "template": _choices(MessageTemplate.objects.filter(active=True)),
            "topic": _choices(CareTopic.objects.filter(active=True)),
            "task_kind": BLANK + list(CareTask.Kind.choices),
            "channel": BLANK + list(CareTask.Channel.choices),
            "assignee": list(CareRule.Assignee.choices),
            "assignee_role": _choices(Role.objects.all()),
            "implementer_role": _choices(Role.objects.all()),
            "supervisor_role": _choices(Role.objects.all()),
            "assignee_department": _choices(Department.objects.all()),
            "assignee_user": _choices(
                User.objects.filter(is_active=True, left_at__isnull=True).order_by("id")
            ),
        }
        for name, choices in selects.items():
            cast(forms.Select, self.fields[name].widget).choices = choices
        stages = cast(forms.MultipleChoiceField, self.fields["param_stages"])
        stages.choices = [(stage.code, str(stage)) for stage in Stage.objects.order_by("order")]

    @staticmethod
    def initial_for(rule: CareRule) -> dict[str, Any]:
        params = rule.params or {}
        initial: dict[str, Any] = {
            "name": rule.name,
            "name_en": rule.name_en,
            "stage": rule.stage,
            "purpose": rule.purpose,
            "trigger": rule.trigger,
            "offset": rule.offset,
            "offset_unit": rule.offset_unit,
            "business_hours": rule.business_hours,
            "action": rule.action,
            "template": rule.template_id or "",
            "topic": rule.topic_id or "",
            "task_kind": rule.task_kind,
            "channel": rule.channel if rule.action == CareRule.Action.TASK else "",
            "assignee": rule.assignee,
            "assignee_role": rule.assignee_role_id or "",
            "assignee_department": rule.assignee_department_id or "",
            "assignee_user": rule.assignee_user_id or "",
            "implementer_role": rule.implementer_role_id or "",
            "supervisor_role": rule.supervisor_role_id or "",
            "enabled": rule.enabled,
            "param_dates": ", ".join(params.get("dates") or []),
        }
        for key in ("days", "per_month", "within_hours"):
            initial[PARAM_FIELDS[key]] = params.get(key) if params.get(key) is not None else ""
        for key in ("stages", "categories", "channels"):
            initial[PARAM_FIELDS[key]] = params.get(key) or []
        return initial

    def rule_input(self) -> RuleInput:
        """What the form says, for `rule_clean` (call after is_valid())."""
        data = self.cleaned_data
        params = {
            key: data.get(field)
            for key, field in PARAM_FIELDS.items()
            if data.get(field) not in (None, "", [])
        }
        # the form's other fields are named as the input's
        fields = {name: data.get(name) for name in self.fields if not name.startswith("param_")}
        return RuleInput(**fields, params=params)

    def show_errors(self, field_errors: dict[str, list[Any]]) -> None:
        for name, messages in field_errors.items():
            target = name
            if name.startswith("params."):
                target = PARAM_FIELDS.get(name.split(".", 1)[1], "param_dates")
            elif name == "params" or name not in self.fields:
                target = None  # type: ignore[assignment]
            for message in messages:
                self.add_error(target, message)

"""Forms of the approval pages (ORD-2). They only parse types; the rules (names, steps,
approvers, comments) are checked by `guanxi.sales.approvals.services` with its own messages."""

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import Department, Role, User
from guanxi.core.forms import priority_field, text_field
from guanxi.sales.approvals import services as approvals
from guanxi.sales.approvals.selectors import step_kind_label, step_mode_label
from guanxi.sales.models import ApprovalTarget, Product

MAX_STEP_ROWS = 20
_STEP_KEY = re.compile(r"^steps-(\d{1,3})-kind$")


class FlowForm(forms.Form):
    name = text_field(_("Name"), max_length=approvals.NAME_MAX)
    target = forms.ChoiceField(
        label=pgettext_lazy("approval flow", "Applies to"),
        choices=ApprovalTarget.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    priority = priority_field(
        _("Priority"),
        help_text=_("Flows are tried from the lowest number up; the first that matches runs."),
    )
    min_amount = forms.CharField(
        label=_("Amount from (¥)"),
        required=False,
        max_length=20,
        help_text=_("Only records of at least this amount; empty for any amount."),
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        required=False,
        queryset=Department.objects.order_by("path"),
        help_text=_("Only records of these departments or their sub-departments; none for all."),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 5}),
    )
    products = forms.ModelMultipleChoiceField(
        label=_("Products"),
        required=False,
        queryset=Product.objects.filter(active=True).order_by("code"),
        help_text=_("Only records with any of these products; none for all."),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 5}),
    )

    def __init__(self, *args, editing=False, flow=None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # a flow's target never changes; its approvals depend on it
            self.fields["target"].disabled = True
            self.fields["target"].required = False
        kept = self.initial_for(flow)["products"] if flow is not None else []
        if kept:  # a product taken off the catalogue stays a condition of the flows naming it
            self.fields["products"].queryset = Product.objects.filter(
                Q(active=True) | Q(pk__in=kept)
            ).order_by("code")

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "target": data.get("target") or "",
            "priority": data["priority"],
            "min_amount": data["min_amount"],
            "department_ids": [d.pk for d in data["departments"]],
            "product_ids": [p.pk for p in data["products"]],
        }

    @classmethod
    def initial_for(cls, flow) -> dict:
        version = flow.current_version
        conditions = (version.conditions if version else {}) or {}
        return {
            "name": flow.name,
            "target": flow.target,
            "priority": flow.priority,
            "min_amount": conditions.get("min_amount") or "",
            "departments": conditions.get("department_ids") or [],
            "products": conditions.get("product_ids") or [],
        }


class StepForm(forms.Form):
    name = forms.CharField(
        label=_("Step name"),
        required=False,
        max_length=approvals.STEP_NAME_MAX,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("optional")}),
    )
    kind = forms.ChoiceField(
        label=_("Approved by"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    role = forms.ModelChoiceField(
        label=_("Role"),
        required=False,
        queryset=Role.objects.order_by("id"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    users = forms.ModelMultipleChoiceField(
        label=_("Users"),
        required=False,
        queryset=User.objects.filter(is_active=True, left_at__isnull=True).order_by(
            "department_id", "id"
        ),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 4}),
    )
    mode = forms.ChoiceField(
        label=_("When several approve"),
        initial="any",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, step_kind_label(kind=k)) for k in approvals.STEP_KINDS]
        self.fields["mode"].choices = [(m, step_mode_label(mode=m)) for m in approvals.MODES]

    def value(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "role_id": data["role"].pk if data.get("role") else None,
            "user_ids": [u.pk for u in data.get("users") or []],
            "mode": data["mode"],
        }

    @staticmethod
    def initial_of(step: dict) -> dict:
        return {
            "name": step.get("name", ""),
            "kind": step.get("kind", "direct_manager"),
            "role": step.get("role_id"),
            "users": step.get("user_ids") or [],
            "mode": step.get("mode", "any"),
        }


def step_forms_from_post(post) -> list[StepForm]:
    """The step rows present in the POST, in row order (rows are added and removed in the
    page, so their numbers may have gaps)."""
    indices = sorted({int(m.group(1)) for key in post if (m := _STEP_KEY.match(key))})
    return [StepForm(post, prefix=f"steps-{i}") for i in indices[:MAX_STEP_ROWS]]


def step_forms_for(steps: list[dict]) -> list[StepForm]:
    return [
        StepForm(prefix=f"steps-{i}", initial=StepForm.initial_of(step))
        for i, step in enumerate(steps)
    ]


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=approvals.COMMENT_MAX,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])

"""The action plan form (SAT-4): the seed table's columns."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.core.forms import date_field
from guanxi.satisfaction.models import ActionPlan


class PlanForm(forms.Form):
    factor_code = forms.ChoiceField(label=_("Factor"))
    item = forms.CharField(label=_("Item"), max_length=200)
    period = forms.DateField(
        label=_("Month of the last score"),
        widget=forms.DateInput(attrs={"type": "month", "class": "form-control"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    last_score = forms.DecimalField(label=_("Last score"), max_digits=6, decimal_places=2)
    target = forms.DecimalField(label=_("Target score"), max_digits=6, decimal_places=2)
    cause = forms.CharField(
        label=_("Cause"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    measure = forms.CharField(
        label=_("Measure"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_id = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    supervisor_id = forms.TypedChoiceField(
        label=_("Supervisor"), coerce=int, required=False, empty_value=None
    )
    due_date = date_field(_("Due date"), required=True)
    status = forms.ChoiceField(label=_("Status"), choices=ActionPlan.Status.choices)

    def __init__(
        self, *args: Any, factors: list[tuple[str, str]], users: list[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        people = [(u.pk, u.display_name or u.username) for u in users]
        self.fields["factor_code"].choices = factors  # type: ignore[attr-defined]
        self.fields["owner_id"].choices = people  # type: ignore[attr-defined]
        self.fields["supervisor_id"].choices = [("", "—"), *people]  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Department
from guanxi.pipeline.models import PublicPool
from guanxi.portal.models import LeadField, LeadForm

HONEYPOT = "website"  # hidden from people; a bot that fills every field fills it in


def styled[F: forms.BaseForm](form: F) -> F:
    """Tabler's classes on the widgets, as the other forms set them."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(
            widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.CheckboxInput
        ):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(field, forms.ChoiceField):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")
    return form


def public_form(lead_form: LeadForm, data: object = None) -> forms.Form:
    """The fields the admin chose, after the name and the mobile that every form has."""
    form = forms.Form(data)  # type: ignore[arg-type]
    form.fields["name"] = forms.CharField(label=_("Your name"), max_length=100)
    form.fields["mobile"] = forms.CharField(
        label=_("Mobile"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    for name in lead_form.fields:
        required = name in lead_form.required
        label = LeadField(name).label
        if name == LeadField.NEEDS:
            form.fields[name] = forms.CharField(
                label=label,
                required=required,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        elif name == LeadField.EMAIL:
            form.fields[name] = forms.EmailField(label=label, required=required, max_length=254)
        else:
            form.fields[name] = forms.CharField(label=label, required=required, max_length=100)
    form.fields[HONEYPOT] = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    return styled(form)


class LeadFormConfigForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    shown = forms.MultipleChoiceField(
        label=_("Fields besides name and mobile"),
        choices=LeadField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    required = forms.MultipleChoiceField(
        label=_("Required fields"),
        choices=LeadField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    department = forms.ModelChoiceField(
        label=_("Team (round-robin)"),
        queryset=Department.objects.order_by("path"),
        required=False,
        help_text=_("New customers go to the team's members in turn."),
    )
    pool = forms.ModelChoiceField(
        label=_("or a public pool"),
        queryset=PublicPool.objects.filter(is_active=True).order_by("name"),
        required=False,
        help_text=_("New customers wait in the pool to be claimed."),
    )
    campaign = forms.CharField(label=_("Campaign tag"), max_length=30, required=False)
    allowed_origins = forms.CharField(
        label=_("Sites that may embed the form"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One address per line, e.g. https://www.example.com; empty: any site."),
    )
    thank_you = forms.CharField(
        label=_("Thank-you text"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, editing: LeadForm | None = None, **kwargs: Any) -> None:
        """`editing`: the web form changed, whose pool stays a choice once switched off."""
        super().__init__(*args, **kwargs)
        pool = self.fields["pool"]
        if editing is not None and editing.pool_id and isinstance(pool, forms.ModelChoiceField):
            pool.queryset = PublicPool.objects.filter(
                Q(is_active=True) | Q(pk=editing.pool_id)
            ).order_by("name")
        styled(self)

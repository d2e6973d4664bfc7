"""Forms of the customer configuration pages; rules are checked by services_settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.forms import TablerFormMixin
from guanxi.customers.models import Customer, CustomFieldDefinition, Source, Tag

_APPLIES_TO = [("", _("All customers")), *Customer.Kind.choices]


class CustomFieldForm(TablerFormMixin, forms.Form):
    key = forms.CharField(
        label=_("Key"),
        max_length=40,
        help_text=_("Lower-case letters, digits and _; cannot be changed later."),
    )
    label = forms.CharField(label=_("Label"), max_length=60)
    field_type = forms.ChoiceField(label=_("Type"), choices=CustomFieldDefinition.Type.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a choice field: one choice per line."),
    )
    applies_to = forms.ChoiceField(label=_("Applies to"), choices=_APPLIES_TO, required=False)
    required = forms.BooleanField(label=_("Required"), required=False)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["key"]
            del self.fields["field_type"]

    def clean_choices(self):
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class TagForm(TablerFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=30)
    color = forms.ChoiceField(
        label=_("Colour"), choices=Tag.Colour.choices, initial=Tag.Colour.BLUE
    )


class SourceForm(TablerFormMixin, forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Cannot be changed later."))
    name = forms.CharField(label=_("Name"), max_length=60)
    name_en = forms.CharField(label=_("English name"), max_length=60, required=False)
    group = forms.ChoiceField(
        label=_("Group"), choices=[("", "—"), *Source.Group.choices], required=False
    )
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]

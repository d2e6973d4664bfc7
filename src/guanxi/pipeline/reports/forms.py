"""The funnel's filter form: parsing only."""

import datetime as dt

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.selectors import users_in_scope
from guanxi.core.forms import date_field
from guanxi.customers.models import Source
from guanxi.pipeline.reports.selectors import default_period


class FunnelForm(forms.Form):
    start = date_field(gettext_lazy("From"), css="form-control form-control-sm")
    end = date_field(gettext_lazy("To"), css="form-control form-control-sm")
    source = forms.ChoiceField(label=gettext_lazy("Source"), required=False)
    owner = forms.ChoiceField(label=gettext_lazy("Consultant"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        anyone = [("", _("All"))]
        self.fields["owner"].choices = anyone + [(u.pk, str(u)) for u in users_in_scope(user=user)]
        self.fields["source"].choices = anyone + [(s.pk, str(s)) for s in Source.objects.all()]
        for name in ("owner", "source"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data

    def _int(self, name: str) -> int | None:
        value = self.cleaned_data.get(name) if self.is_valid() else None
        return int(value) if value else None

    def period(self) -> tuple[dt.date, dt.date]:
        start, end = default_period()
        if self.is_valid():
            start = self.cleaned_data.get("start") or start
            end = self.cleaned_data.get("end") or end
        return start, end

    def source_id(self) -> int | None:
        return self._int("source")

    def owner_id(self) -> int | None:
        return self._int("owner")

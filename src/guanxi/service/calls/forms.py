"""The call form: parsing only; the rules live in calls.services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.forms import moment_field, phone_number_field
from guanxi.service.calls.services import CallInput
from guanxi.service.models import Call


class CallForm(forms.Form):
    """Type and direction first (one click each), the rest optional. A call logged from a
    ring takes the ring's number, which the agent may not see in full."""

    type = forms.ChoiceField(
        label=_("call type"), choices=Call.Type.choices, widget=forms.RadioSelect
    )
    direction = forms.ChoiceField(
        label=_("direction"),
        choices=Call.Direction.choices,
        initial=Call.Direction.INBOUND,
        widget=forms.RadioSelect,
    )
    number = phone_number_field(_("number"))
    duration_minutes = forms.IntegerField(
        label=_("duration (minutes)"), min_value=0, max_value=1440, required=False
    )
    started_at = moment_field(_("start"))
    notes = forms.CharField(
        label=_("notes"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    ring = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, from_ring: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if from_ring:
            del self.fields["number"]

    def to_input(self, *, number: str | None = None) -> CallInput:
        data = self.cleaned_data
        minutes = data.get("duration_minutes") or 0
        return CallInput(
            direction=data["direction"],
            type=data["type"],
            number=number if number is not None else data.get("number", ""),
            started_at=data.get("started_at"),
            duration_seconds=minutes * 60,
            notes=data.get("notes") or "",
        )

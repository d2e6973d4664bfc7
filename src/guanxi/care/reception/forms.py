"""The front-desk form: parsing only; the rules live in reception.services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import User
from guanxi.care.models import Reception
from guanxi.care.reception.services import ReceptionInput
from guanxi.core.forms import kept_moment, moment_field, phone_number_field


class ReceptionForm(forms.Form):
    """Everything but the channel is optional, so an entry takes seconds: the channel, a name
    or a phone, what they want."""

    channel = forms.ChoiceField(
        label=pgettext_lazy("front desk", "channel"),
        choices=Reception.Channel.choices,
        initial=Reception.Channel.WALK_IN,
        widget=forms.RadioSelect,
    )
    visitor_name = forms.CharField(label=_("visitor"), max_length=50, required=False)
    phone = phone_number_field(pgettext_lazy("front desk", "phone"))
    need = forms.CharField(label=_("need"), max_length=300, required=False)
    product_interest = forms.CharField(
        label=_("product of interest"), max_length=120, required=False
    )
    party_size = forms.IntegerField(
        label=_("people"), min_value=1, max_value=50, initial=1, required=False
    )
    demo = forms.BooleanField(label=_("demo / test drive"), required=False)
    demo_minutes = forms.IntegerField(
        label=_("demo minutes"), min_value=0, max_value=1440, required=False
    )
    stay_minutes = forms.IntegerField(
        label=_("stay minutes"), min_value=0, max_value=1440, required=False
    )
    at = moment_field(_("time"))
    received_by = forms.ModelChoiceField(
        label=pgettext_lazy("front desk", "received by"),
        queryset=User.objects.none(),
        required=False,
    )
    notes = forms.CharField(label=_("notes"), max_length=500, required=False)

    def __init__(self, *args: Any, receivers: list[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        receiver_field = self.fields["received_by"]
        if receivers and isinstance(receiver_field, forms.ModelChoiceField):
            receiver_field.queryset = User.objects.filter(pk__in=[user.pk for user in receivers])
            receiver_field.empty_label = _("Me")
        else:
            del self.fields["received_by"]
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect | forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            else:
                css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
                field.widget.attrs.setdefault("class", css)

    def to_input(self, *, entry: Reception | None = None) -> ReceptionInput:
        """What the service takes; `entry`: the one the form changes."""
        data = self.cleaned_data
        return ReceptionInput(
            channel=data["channel"],
            at=kept_moment(data.get("at"), entry.at if entry is not None else None),
            visitor_name=data.get("visitor_name", ""),
            phone=data.get("phone", ""),
            party_size=data.get("party_size") or 1,
            need=data.get("need", ""),
            product_interest=data.get("product_interest", ""),
            demo=bool(data.get("demo")),
            demo_minutes=data.get("demo_minutes"),
            stay_minutes=data.get("stay_minutes"),
            notes=data.get("notes", ""),
            received_by=data.get("received_by"),
        )

    @classmethod
    def initial_from(cls, entry: Reception) -> dict[str, Any]:
        return {
            "channel": entry.channel,
            "visitor_name": entry.visitor_name,
            "phone": entry.phone,
            "need": entry.need,
            "product_interest": entry.product_interest,
            "party_size": entry.party_size,
            "demo": entry.demo,
            "demo_minutes": entry.demo_minutes,
            "stay_minutes": entry.stay_minutes,
            "at": entry.at,
            "received_by": entry.received_by_id,
            "notes": entry.notes,
        }

"""Forms of the webhook pages: a subscription, an allowed internal host."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.webhooks.common.catalog import event_choices
from guanxi.webhooks.models import Subscription


class SubscriptionForm(forms.Form):
    name = forms.CharField(
        label=_("name"), max_length=80, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    kind = forms.ChoiceField(
        label=_("type"),
        choices=Subscription.Kind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        widget=forms.URLInput(attrs={"class": "form-control", "inputmode": "url"}),
        help_text=_(
            "Where the events are POSTed. For a 企业微信 group robot: the robot's webhook "
            "address, https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("events"),
        choices=[],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    active = forms.BooleanField(
        label=_("active"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["events"].choices = event_choices()  # type: ignore[attr-defined]

    @classmethod
    def of(cls, subscription: Subscription) -> "SubscriptionForm":
        return cls(
            initial={
                "name": subscription.name,
                "kind": subscription.kind,
                "url": subscription.url,
                "events": subscription.events,
                "active": subscription.active,
            }
        )


class AllowedHostForm(forms.Form):
    host = forms.CharField(
        label=_("host"), max_length=253, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    note = forms.CharField(
        label=_("note"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

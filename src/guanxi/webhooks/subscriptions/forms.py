"""Forms of the webhook pages: a subscription, an allowed internal host."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.forms import checkbox_field, text_field
from guanxi.webhooks.common.catalog import event_choices
from guanxi.webhooks.models import Subscription


class SubscriptionForm(forms.Form):
    name = text_field(_("name"), max_length=80)
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
    active = checkbox_field(_("active"), initial=True)

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
    host = text_field(_("host"), max_length=253)
    note = text_field(_("note"), max_length=200, required=False)

"""Forms of the message pages: a template, a customer's consent, a message by hand."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.care.messages.sandbox import VARIABLES
from guanxi.care.models import STAFF_PURPOSES, Channel, MessageTemplate, Purpose
from guanxi.core.forms import time_field


def _variables_help() -> str:
    return " · ".join(f"{{{{ {name} }}}}" for name in VARIABLES)


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=80)
    code = forms.CharField(label=_("code"), max_length=40, required=False)
    channel = forms.ChoiceField(label=pgettext_lazy("message", "channel"), choices=Channel.choices)
    # transactional messages are queued by code only, never from a template
    purpose = forms.ChoiceField(
        label=_("purpose"), choices=[(p.value, p.label) for p in map(Purpose, STAFF_PURPOSES)]
    )
    subject = forms.CharField(label=_("subject"), max_length=150, required=False)
    body = forms.CharField(
        label=_("text"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["body"].help_text = _("Variables: %(names)s") % {"names": _variables_help()}

    @classmethod
    def of(cls, template: MessageTemplate) -> "TemplateForm":
        return cls(
            initial={
                "name": template.name,
                "code": template.code or "",
                "channel": template.channel,
                "purpose": template.purpose,
                "subject": template.subject,
                "body": template.body,
                "active": template.active,
            }
        )


class ConsentForm(forms.Form):
    marketing_sms = forms.BooleanField(label=_("marketing SMS allowed"), required=False)
    marketing_email = forms.BooleanField(label=_("marketing e-mail allowed"), required=False)
    do_not_disturb = forms.BooleanField(label=_("do not disturb"), required=False)
    sms_unsubscribed = forms.BooleanField(label=_("unsubscribed from SMS"), required=False)
    email_unsubscribed = forms.BooleanField(label=_("unsubscribed from e-mail"), required=False)
    quiet_from = time_field(_("quiet from"))
    quiet_until = time_field(_("quiet until"))
    note = forms.CharField(
        label=_("how the customer agreed"),
        max_length=200,
        required=False,
        help_text=_("Needed for a new opt-in: when, where and how the customer agreed."),
    )


class SendForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("template"),
        queryset=MessageTemplate.objects.filter(active=True, purpose__in=STAFF_PURPOSES),
        required=False,
        empty_label=_("— own text —"),
    )
    channel = forms.ChoiceField(
        label=pgettext_lazy("message", "channel"),
        choices=[(Channel.SMS, _("SMS")), (Channel.EMAIL, _("E-mail"))],
    )
    subject = forms.CharField(label=_("subject"), max_length=150, required=False)
    body = forms.CharField(
        label=_("text"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

"""The portal's complaint form (CMP-1, channel web): what the customer can say themselves —
the category, a title and what happened. Severity and routing are the company's."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.portal.leads.forms import styled
from guanxi.service.complaints.services import NOTE_LIMIT, TITLE_LIMIT
from guanxi.service.models import ComplaintCategory


class PortalComplaintForm(forms.Form):
    category = forms.TypedChoiceField(label=_("What is it about?"), coerce=int)
    title = forms.CharField(label=_("In a few words"), max_length=TITLE_LIMIT)
    description = forms.CharField(
        label=_("What happened?"), max_length=NOTE_LIMIT, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, categories: list[ComplaintCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "—")] + [(c.pk, str(c)) for c in categories]
        styled(self)

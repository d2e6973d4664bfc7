"""Forms of the script library pages: parsing only; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy

from guanxi.core.forms import choice_field, text_field
from guanxi.pipeline.models import Objection, Stage
from guanxi.pipeline.scripts.selectors import QUERY_MAX
from guanxi.pipeline.scripts.services import BODY_MAX, TITLE_MAX


def _stage_choices():
    return [("", gettext_lazy("Any stage"))] + [
        (s.code, str(s)) for s in Stage.objects.order_by("order")
    ]


class ScriptFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=QUERY_MAX,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": gettext_lazy("Search scripts")}
        ),
    )
    type = choice_field(gettext_lazy("Objection type"))
    stage = choice_field(gettext_lazy("Stage"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", gettext_lazy("All types")), *Objection.Type.choices]
        self.fields["stage"].choices = _stage_choices()

    def values(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {"q": "", "objection_type": "", "stage": ""}
        data = self.cleaned_data
        return {"q": data["q"], "objection_type": data["type"], "stage": data["stage"]}


class ScriptForm(forms.Form):
    title = text_field(gettext_lazy("Title"), max_length=TITLE_MAX)
    objection_type = choice_field(gettext_lazy("Objection type"))
    stage = choice_field(gettext_lazy("Stage"))
    body = forms.CharField(
        label=gettext_lazy("Script"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 10}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objection_type"].choices = [
            ("", gettext_lazy("Any objection")),
            *Objection.Type.choices,
        ]
        self.fields["stage"].choices = _stage_choices()

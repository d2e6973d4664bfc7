"""Forms of the work list and the 360 panel: parsing only; rules live in the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.forms import ISO_MOMENT, date_field, moment_input, moment_text
from guanxi.pipeline.models import FollowUp, Grade, Objection, Stage
from guanxi.pipeline.prospects.services import FollowUpInput

OBJECTION_ROWS = 3


def followup_stage_choices() -> list[tuple[str, str]]:
    return [("", _("unchanged"))] + [(s.code, str(s)) for s in Stage.objects.order_by("order")]


def _expected_amount_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("expected amount (¥)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"step": "0.01", "min": "0", "inputmode": "decimal", "class": "form-control"}
        ),
    )


def _expected_close_on_field() -> forms.DateField:
    return date_field(_("expected close date"))


class ExpectationForm(forms.Form):
    """The deal's expected amount and close date as they now stand: empty clears."""

    expected_amount = _expected_amount_field()
    expected_close_on = _expected_close_on_field()


class FollowUpForm(forms.Form):
    channel = forms.ChoiceField(label=_("channel"), choices=FollowUp.Channel.choices)
    content = forms.CharField(label=_("content"), max_length=4000, widget=forms.Textarea)
    outcome = forms.CharField(label=_("outcome"), max_length=200, required=False)
    effective = forms.BooleanField(label=_("effective contact"), required=False)
    stage = forms.ChoiceField(label=_("stage"), required=False)
    grade = forms.ChoiceField(
        label=_("grade"),
        required=False,
        choices=[("", _("unchanged"))] + [c for c in Grade.choices if c[0]],
    )
    next_contact_at = forms.DateTimeField(
        label=_("next contact"),
        required=False,
        input_formats=[ISO_MOMENT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=moment_input(),
    )

    expected_amount = _expected_amount_field()
    expected_close_on = _expected_close_on_field()

    def __init__(self, *args, stage_choices=None, prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["stage"].choices = stage_choices or followup_stage_choices()
        for name, field in self.fields.items():
            css = "form-check-input" if name == "effective" else "form-control"
            if isinstance(field, forms.ChoiceField):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)
        self.fields["content"].widget.attrs.update({"rows": 3})
        self.fields["next_contact_at"].widget.attrs["min"] = moment_text(timezone.now())

    def to_input(self, objections: list[dict], *, stages: list[Stage]) -> FollowUpInput:
        """The follow-up for the service; the stage as one of `stages` (read by the view)."""
        data = self.cleaned_data
        code = data.get("stage") or None
        return FollowUpInput(
            channel=data["channel"],
            content=data["content"],
            outcome=data.get("outcome") or "",
            effective=bool(data.get("effective")),
            stage=next((s for s in stages if s.code == code), code),
            grade=data.get("grade") or None,
            next_contact_at=data.get("next_contact_at"),
            objections=objections,
            expected_amount=data.get("expected_amount"),
            expected_close_on=data.get("expected_close_on"),
        )


class ObjectionForm(forms.Form):
    type = forms.ChoiceField(
        label=_("objection"), required=False, choices=[("", "—"), *Objection.Type.choices]
    )
    is_excuse = forms.BooleanField(label=_("an excuse (借口)"), required=False)
    real_objection = forms.CharField(
        label=_("the real objection behind it"), max_length=200, required=False
    )
    temperament = forms.ChoiceField(
        label=_("temperament"), required=False, choices=Objection.Temperament.choices
    )
    method = forms.ChoiceField(label=_("method"), required=False, choices=Objection.Method.choices)
    outcome = forms.ChoiceField(
        label=_("outcome"), required=False, choices=Objection.Outcome.choices
    )
    script_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name == "script_id":
                continue
            css = "form-check-input" if name == "is_excuse" else "form-control form-control-sm"
            if isinstance(field, forms.ChoiceField):
                css = "form-select form-select-sm"
            field.widget.attrs.setdefault("class", css)


def objection_forms(data=None, *, prefix: str = "") -> list[ObjectionForm]:
    return [ObjectionForm(data, prefix=f"{prefix}obj{i}") for i in range(OBJECTION_ROWS)]


def followup_forms(
    customer, data=None, *, stages: list[tuple[str, str]] | None = None
) -> tuple[FollowUpForm, list[ObjectionForm]]:
    """The follow-up form of a customer and its objection rows (prefixed by the customer, as
    the work list shows several customers' forms on one page); `stages`: the stage choices,
    when the caller has read them."""
    prefix = f"c{customer.pk}"
    form = FollowUpForm(data, prefix=prefix, stage_choices=stages)  # None: read them
    return form, objection_forms(data, prefix=f"{prefix}-")


def objections_from(forms_: list[ObjectionForm]) -> tuple[list[dict], bool]:
    """The filled objection rows (a row without a type is skipped) and whether all parsed."""
    rows, ok = [], True
    for form in forms_:
        if not form.is_valid():
            ok = False
            continue
        if form.cleaned_data.get("type"):
            rows.append(dict(form.cleaned_data))
    return rows, ok


class ManForm(forms.Form):
    TRI = [("", _("unknown")), ("yes", _("yes")), ("no", _("no"))]
    money = forms.ChoiceField(label=_("Money"), choices=TRI, required=False)
    authority = forms.ChoiceField(label=_("Authority"), choices=TRI, required=False)
    need = forms.ChoiceField(label=_("Need"), choices=TRI, required=False)

    @staticmethod
    def value(raw):
        return {"yes": True, "no": False}.get(raw)


class ObjectionOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=Objection.Outcome.choices)
    note = forms.CharField(label=_("note"), max_length=1000, required=False)

"""Forms of the complaint pages (CMP). They check shapes only; the rules are the services', so
the pages and the API refuse the same input with the same messages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Department, User
from guanxi.core.forms import amount_field, id_choice_field, text_field
from guanxi.sales.models import Product
from guanxi.service.complaints.services import STEPS
from guanxi.service.models import Complaint, ComplaintCategory, ComplaintEvent, Severity

SELECT = {"class": "form-select"}


def _id_select(label: Any, choices: list[tuple[Any, str]], *, required: bool) -> Any:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "—"), *choices],
        coerce=int,
        required=required,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )


def _note(label: Any, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}),
    )


class ComplaintCreateForm(forms.Form):
    customer = forms.IntegerField(label=_("Customer"), min_value=1, widget=forms.HiddenInput())
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Complaint.Channel.choices, widget=forms.Select(attrs=SELECT)
    )
    category = forms.TypedChoiceField(
        label=_("Complaint category"), coerce=int, choices=(), widget=forms.Select(attrs=SELECT)
    )
    item = id_choice_field(_("Sub-item"))
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=Severity.choices,
        initial=Severity.NORMAL,
        widget=forms.Select(attrs=SELECT),
    )
    product = id_choice_field(_("Product"))
    title = text_field(_("Title"), max_length=200)
    description = _note(_("What the customer says"), rows=5)
    call = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())

    def __init__(
        self,
        *args: Any,
        categories: list[ComplaintCategory],
        products: list[Product],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(c.pk, str(c)) for c in categories],
        ]
        self.fields["item"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[
                (str(c), [(item.pk, str(item)) for item in c.subitems])  # type: ignore[attr-defined]
                for c in categories
                if c.subitems  # type: ignore[attr-defined]
            ],
        ]
        self.fields["product"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(p.pk, str(p)) for p in products],
        ]


class AcceptForm(forms.Form):
    note = _note(_("接受: what you told the customer"))


class StepForm(forms.Form):
    step = forms.ChoiceField(
        choices=[(kind, ComplaintEvent.Kind(kind).label) for kind in STEPS[1:]],
        widget=forms.HiddenInput(),
    )
    note = _note(_("Note"))


class RouteForm(forms.Form):
    to_user = forms.TypedChoiceField(
        label=_("To a user"), coerce=int, required=False, empty_value=None, choices=()
    )
    to_department = forms.TypedChoiceField(
        label=_("Or to the queue of"), coerce=int, required=False, empty_value=None, choices=()
    )
    note = _note(_("Note"), required=False, rows=2)

    def __init__(
        self, *args: Any, users: list[User], departments: list[Department], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = [("", "—"), *[(u.pk, str(u)) for u in users]]  # type: ignore[attr-defined]
        self.fields["to_department"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(d.pk, d.name) for d in departments],
        ]
        for name in ("to_user", "to_department"):
            self.fields[name].widget.attrs["class"] = "form-select"


class CloseForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Outcome"),
        choices=Complaint.Resolution.choices,
        widget=forms.RadioSelect,
        initial=Complaint.Resolution.RESOLVED,
    )
    note = _note(_("Note"), required=False, rows=2)


class ReopenForm(forms.Form):
    note = _note(_("Why it is reopened"), rows=2)


class CompensationForm(forms.Form):
    amount = amount_field(_("Amount (¥)"), max_digits=12)
    note = _note(_("What it is for"), rows=2)

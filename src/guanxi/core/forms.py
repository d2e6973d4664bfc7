"""Putting a service's refusal on a form, the one way every view does it.

try:
    contract_update(actor=request.user, contract=contract, data=form.to_input())
except ValidationFailed as exc:
    form_add_errors(form, exc)
"""

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from guanxi.core.errors import DomainError

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def form_add_errors(
    form: forms.BaseForm, exc: DomainError, *, elsewhere: Collection[str] = ()
) -> dict[str, list[str]]:
    """Field errors next to their fields, the rest above the form. Errors whose field name
    starts with one of `elsewhere` (e.g. "items" for "items.0.quantity", shown by the line
    rows) are not put on the form but returned, by field name."""
    kept: dict[str, list[str]] = {}
    for name, messages in (exc.field_errors or {}).items():
        if any(name == prefix or name.startswith(f"{prefix}.") for prefix in elsewhere):
            kept[name] = [str(m) for m in messages]
            continue
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, str(message))
    if not exc.field_errors:
        form.add_error(None, str(exc.message))
    return kept


def form_error_text(form: forms.BaseForm) -> str:
    """All of a form's errors in one line (for a notice where the form is not shown)."""
    text = " ".join(str(e) for errors in form.errors.values() for e in errors)
    return text or gettext("Please correct the errors below.")


# `<input type="date">` and `type="datetime-local"` take only ISO values. Django writes a
# date widget's value in the active language's first input format (zh-Hans: 2026/12/07),
# which the browser shows as empty and posts back empty, so every date widget names its format.
ISO_DATE = "%Y-%m-%d"
ISO_MOMENT = "%Y-%m-%dT%H:%M"


def moment_text(moment: dt.datetime | None) -> str:
    """A stored moment as the date-time picker shows it: local time, to the minute."""
    return timezone.localtime(moment).strftime(ISO_MOMENT) if moment else ""


def kept_moment(posted: dt.datetime | None, stored: dt.datetime | None) -> dt.datetime | None:
    """`stored` when `posted` is it as the date-time picker showed it, else `posted`. The
    picker shows minutes only: a form saved unchanged would otherwise cut off the seconds of
    a moment recorded by the clock (a front-desk entry's "now")."""
    shown = stored.replace(second=0, microsecond=0) if stored is not None else None
    return stored if posted is not None and posted == shown else posted


def date_input(*, css: str = "form-control") -> forms.DateInput:
    """The browser's date picker, its value written the ISO way."""
    return forms.DateInput(attrs={"type": "date", "class": css}, format=ISO_DATE)


def moment_input(*, css: str = "form-control") -> forms.DateTimeInput:
    """The browser's date-time picker, its value written the ISO way."""
    return forms.DateTimeInput(attrs={"type": "datetime-local", "class": css}, format=ISO_MOMENT)


def date_field(
    label: "_StrOrPromise", *, required: bool = False, css: str = "form-control"
) -> forms.DateField:
    """A date field with the browser's date picker."""
    return forms.DateField(label=label, required=required, widget=date_input(css=css))


def time_field(label: "_StrOrPromise") -> forms.TimeField:
    """An optional time of day (a quiet hour, an opening time) in the browser's time picker."""
    return forms.TimeField(
        label=label, required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )


def choice_field(label: "_StrOrPromise") -> forms.ChoiceField:
    """An optional choice (a filter) in a styled select; the form sets its choices when it is
    made, since they are read from the database or depend on the reader."""
    return forms.ChoiceField(
        label=label, required=False, widget=forms.Select(attrs={"class": "form-select"})
    )


def text_field(
    label: "_StrOrPromise",
    *,
    max_length: int,
    required: bool = True,
    help_text: "_StrOrPromise" = "",
) -> forms.CharField:
    """A one-line text in Tabler's input style, the field most forms of the pages ask."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


def number_field(
    label: "_StrOrPromise",
    *,
    min_value: int | None = None,
    max_value: int | None = None,
    initial: int | None = None,
    required: bool = True,
    help_text: "_StrOrPromise" = "",
) -> forms.IntegerField:
    """A whole number in Tabler's input style; the browser gets the bounds as min and max."""
    return forms.IntegerField(
        label=label,
        min_value=min_value,
        max_value=max_value,
        initial=initial,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


def amount_field(
    label: "_StrOrPromise", *, max_digits: int, max_value: float | None = None
) -> forms.DecimalField:
    """A number to the hundredth, not below zero (an amount in yuan, a rate in percent), in
    Tabler's input style; the browser's arrows step by 0.01."""
    return forms.DecimalField(
        label=label,
        max_digits=max_digits,
        decimal_places=2,
        min_value=0,
        max_value=max_value,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
    )


def priority_field(
    label: "_StrOrPromise", *, help_text: "_StrOrPromise" = ""
) -> forms.IntegerField:
    """The order a rule is tried in, smallest first: what a small positive integer column
    holds, 100 when not said, so that a new rule can go before or after the others."""
    return number_field(label, min_value=0, max_value=32767, initial=100, help_text=help_text)


def checkbox_field(label: "_StrOrPromise", *, initial: bool | None = None) -> forms.BooleanField:
    """A box the user may leave unticked, in Tabler's checkbox style."""
    return forms.BooleanField(
        label=label,
        required=False,
        initial=initial,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


def id_choice_field(label: "_StrOrPromise", *, required: bool = False) -> forms.TypedChoiceField:
    """A record chosen by its id in a styled select, None when none is chosen; the form sets
    the choices when it is made (they are read from the database)."""
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        required=required,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def phone_number_field(label: "_StrOrPromise") -> forms.CharField:
    """An optional phone number as typed: the phone keypad on a mobile and no autofill, since
    the number is a customer's, not the user's."""
    return forms.CharField(
        label=label,
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )


def moment_field(label: "_StrOrPromise") -> forms.DateTimeField:
    """When something happened, in the browser's date-time picker; left empty it is now."""
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text=gettext_lazy("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=ISO_MOMENT),
    )

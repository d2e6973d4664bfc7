"""Forms of the receivables panel (ORD-4, ORD-5). They check shapes only; the rules (plan
adds up, over-payment, invoiced total …) are the services', so the pages and the API refuse
the same input with the same messages."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.forms import date_field, id_choice_field, number_field
from guanxi.sales.contracts.services import InstalmentInput
from guanxi.sales.models import Invoice, Payment

MAX_PROPOSAL_PARTS = 36


def _text_input(**attrs):
    return forms.TextInput(attrs={"class": "form-control", **attrs})


class PlanProposalForm(forms.Form):
    """Propose a plan of N equal parts, one due every `months_apart` months."""

    parts = number_field(
        _("Number of instalments"), min_value=1, max_value=MAX_PROPOSAL_PARTS, initial=3
    )
    first_due_on = date_field(_("First due date"), required=True)
    months_apart = number_field(
        _("Months between instalments"), min_value=1, max_value=12, initial=1
    )


def plan_rows_from_post(data) -> list[InstalmentInput]:
    """The plan editor's rows (due_on[], amount[], notes[]); rows left blank are dropped.
    Values stay strings: the service parses and reports per row."""
    dues = data.getlist("due_on")
    amounts = data.getlist("amount")
    notes = data.getlist("notes")
    rows = []
    for index in range(max(len(dues), len(amounts))):
        due = dues[index].strip() if index < len(dues) else ""
        amount = amounts[index].strip() if index < len(amounts) else ""
        note = notes[index].strip() if index < len(notes) else ""
        if not (due or amount or note):
            continue
        rows.append(InstalmentInput(due_on=due, amount=amount, notes=note))
    return rows


class PaymentForm(forms.Form):
    amount = forms.CharField(
        label=_("Amount received"), max_length=20, widget=_text_input(inputmode="decimal")
    )
    received_on = date_field(_("Date received"), required=True)
    method = forms.ChoiceField(
        label=_("Method"),
        choices=Payment.Method.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reference = forms.CharField(
        label=_("Reference (bank serial)"), max_length=80, required=False, widget=_text_input()
    )
    instalment = id_choice_field(_("Instalment"))
    accept_overpayment = forms.BooleanField(
        label=_("Accept an over-payment beyond what is open"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False, widget=_text_input())
    # one key per rendered form: a double click or a resent POST records the payment once
    idempotency_key = forms.CharField(max_length=80, required=False, widget=forms.HiddenInput())

    def __init__(self, *args, instalments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalment"].choices = [("", _("Oldest open first"))] + [
            (
                inst.pk,
                _("#%(sequence)d due %(due)s, %(open)s open")
                % {"sequence": inst.sequence, "due": inst.due_on, "open": inst.open_amount},
            )
            for inst in instalments
            if not inst.settled
        ]
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())
            self.initial.setdefault("method", Payment.Method.TRANSFER)
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean_idempotency_key(self):
        return self.cleaned_data["idempotency_key"] or None


class InvoiceForm(forms.Form):
    number = forms.CharField(label=_("Invoice number"), max_length=40, widget=_text_input())
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=Invoice.Kind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    amount = forms.CharField(
        label=_("Amount incl. tax"), max_length=20, widget=_text_input(inputmode="decimal")
    )
    tax_rate = forms.CharField(
        label=_("Tax rate"),
        max_length=8,
        initial="0.13",
        help_text=_("A fraction: 0.13 = 13 %."),
        widget=_text_input(inputmode="decimal"),
    )
    issued_on = date_field(_("Date issued"), required=True)
    payment = id_choice_field(_("For payment"))
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False, widget=_text_input())
    override_reason = forms.CharField(
        label=_("Reason for invoicing beyond the contract total"),
        max_length=200,
        required=False,
        widget=_text_input(),
    )

    def __init__(self, *args, payments=(), can_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment"].choices = [("", _("None"))] + [
            (p.pk, f"{p.received_on} ¥{p.amount}")
            for p in payments
            if p.status == Payment.Status.CONFIRMED
        ]
        if not can_override:
            del self.fields["override_reason"]
        if not self.is_bound:
            self.initial.setdefault("issued_on", timezone.localdate())


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=200, widget=_text_input(placeholder=_("Reason for voiding"))
    )

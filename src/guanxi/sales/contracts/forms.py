"""Forms of the contract pages. Items are rows named items-<n>-<field>; rates are typed as
percentages on the page and passed to the services as fractions."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.forms import date_input
from guanxi.customers.models import Contact
from guanxi.sales.catalog.forms import line_from_row
from guanxi.sales.common.lines import LineInput
from guanxi.sales.contracts.services import InstalmentInput
from guanxi.sales.models import Contract, Product

ITEM_FIELDS = ("id", "product", "description", "unit", "quantity", "unit_price", "discount", "tax")
ROW_KEY = re.compile(r"^items-(\d{1,3})-(\w+)$")
INSTALMENT_KEY = re.compile(r"^inst-(\d{1,3})-(\w+)$")
PERCENT = Decimal(100)

DATE = date_input()


class ContractForm(forms.Form):
    title = forms.CharField(
        label=pgettext_lazy("document", "Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    signing_contact = forms.ModelChoiceField(
        label=_("Signing contact"),
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    signed_on = forms.DateField(label=_("Signing date"), required=False, widget=DATE)
    starts_on = forms.DateField(label=_("Start"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("End"), required=False, widget=DATE)
    terms = forms.CharField(
        label=_("Terms"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 5}),
    )

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customer is not None:
            self.fields["signing_contact"].queryset = Contact.objects.filter(
                customer_id=customer.pk
            ).order_by("-is_decision_maker", "name")

    def header(self) -> dict:
        data = dict(self.cleaned_data)
        data["signing_contact"] = data.get("signing_contact")
        return data


class TerminateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for termination"),
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )


class AmendForm(ContractForm):
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )


def _percent_to_fraction(value: str):
    value = (value or "").strip().replace("%", "")
    if not value:
        return ""
    try:
        return str(Decimal(value) / PERCENT)
    except InvalidOperation:
        return value  # the service refuses it with a message naming the row


def fraction_to_percent(value) -> str:
    if value in (None, ""):
        return ""
    number = Decimal(value) * PERCENT
    return format(number.normalize(), "f") if number else "0"


def item_rows_from_post(data) -> list[dict]:
    """The item rows as typed (strings), in row order, fully blank rows dropped."""
    rows: dict[int, dict] = {}
    for key, value in data.items():
        match = ROW_KEY.match(key)
        if match and match.group(2) in ITEM_FIELDS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = str(value).strip()
    result = []
    for index in sorted(rows):
        row = {name: rows[index].get(name, "") for name in ITEM_FIELDS}
        if any(row[name] for name in ("product", "description", "quantity", "unit_price")):
            result.append(row)
    return result


def items_for_service(rows: list[dict]) -> list[LineInput]:
    return [line_from_row(row, rate=_percent_to_fraction) for row in rows]


def item_rows_from_contract(contract: Contract) -> list[dict]:
    return [
        {
            "id": str(item.pk),
            "product": str(item.product_id or ""),
            "description": item.description,
            "unit": item.unit,
            "quantity": format(item.quantity.normalize(), "f"),
            "unit_price": str(item.unit_price),
            "discount": fraction_to_percent(item.discount_rate),
            "tax": fraction_to_percent(item.tax_rate),
        }
        for item in contract.items.all()
    ]


def item_row_for_product(product: Product | None, price, row: dict | None = None) -> dict:
    row = dict(row or dict.fromkeys(ITEM_FIELDS, ""))
    if product is not None:
        row["product"] = str(product.pk)
        row["description"] = product.name
        row["unit"] = product.unit
        row["unit_price"] = str(price)
        row["tax"] = fraction_to_percent(product.tax_rate)
        row["quantity"] = row.get("quantity") or "1"
    return row


def instalment_rows_from_post(data) -> list[InstalmentInput]:
    rows: dict[int, dict] = {}
    for key, value in data.items():
        match = INSTALMENT_KEY.match(key)
        if match and match.group(2) in ("due_on", "amount", "notes"):
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = str(value).strip()
    return [
        InstalmentInput(
            due_on=r.get("due_on", ""), amount=r.get("amount", ""), notes=r.get("notes", "")
        )
        for _i, r in sorted(rows.items())
        if r.get("due_on") or r.get("amount")
    ]


def instalment_rows_from_contract(contract: Contract) -> list[InstalmentInput]:
    return [
        InstalmentInput(due_on=row.due_on.isoformat(), amount=str(row.amount), notes=row.notes)
        for row in contract.instalments.order_by("sequence")
    ]

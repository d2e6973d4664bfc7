"""Forms of the catalogue and quote pages. They only shape input; the services validate."""

from collections.abc import Callable

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.forms import amount_field, checkbox_field, date_field, priority_field
from guanxi.customers.archive.validation import UNSET, Unset
from guanxi.customers.models import Tag
from guanxi.sales.catalog.services import PriceListItemInput, ProductInput
from guanxi.sales.common.lines import LineInput
from guanxi.sales.models import Quote

LINE_FIELDS = ("product", "description", "unit", "quantity", "unit_price", "discount", "tax")
MAX_POSTED_LINES = 100


def _text(label, *, required=False, max_length=200, **attrs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs={"class": "form-control", **attrs}),
    )


class ProductForm(forms.Form):
    code = _text(_("Code"), required=True, max_length=40)
    name = _text(_("Name"), required=True, max_length=120)
    name_en = _text(_("English name"), max_length=120)
    unit = _text(_("Unit"), required=True, max_length=10)
    list_price = amount_field(_("List price (tax incl.)"), max_digits=14)
    tax_rate = amount_field(_("Tax rate (%)"), max_digits=6, max_value=99.99)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )

    def to_input(self, *, active: bool | Unset = UNSET) -> ProductInput:
        data = dict(self.cleaned_data)
        data["tax_rate"] = f"{data['tax_rate']}%"
        return ProductInput(**data, active=active)


class PriceListForm(forms.Form):
    name = _text(_("Name"), required=True, max_length=80)
    customer_tag = forms.ModelChoiceField(
        label=_("Customer group (tag)"),
        queryset=Tag.objects.order_by("name"),
        required=False,
        empty_label=_("Everyone (default list)"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    priority = priority_field(_("Priority (lower wins)"))
    valid_from = date_field(_("Valid from"))
    valid_until = date_field(_("Valid until"))
    active = checkbox_field(_("Active"), initial=True)


def pricelist_items_from_post(post, products) -> list[PriceListItemInput]:
    """Price inputs named price_<product id>; an empty input leaves the product off the list."""
    items = []
    for product in products:
        raw = (post.get(f"price_{product.pk}") or "").strip()
        if raw:
            items.append(PriceListItemInput(product=product.pk, price=raw))
    return items


class QuoteHeaderForm(forms.Form):
    contact = forms.ChoiceField(
        label=pgettext_lazy("person", "Contact"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    valid_until = date_field(_("Valid until"))
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = [("", _("(none)"))] + [
            (str(contact.pk), str(contact)) for contact in customer.contacts.all()
        ]


class QuoteFilterForm(forms.Form):
    q = _text(_("Search"), max_length=60, placeholder=_("Number or customer"))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Quote.Status.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def _percent(value: str) -> str:
    value = (value or "").strip().rstrip("%").strip()
    return f"{value}%" if value else ""


def line_from_row(row: dict, *, rate: Callable[[str], str]) -> LineInput:
    """A quote or contract line as typed (strings, discount and tax in percent) as the
    services take it, the two rates through `rate`; a contract row's `id` names the line it
    changes."""
    return LineInput(
        product=row["product"] or None,
        description=row["description"],
        unit=row["unit"],
        quantity=row["quantity"],
        unit_price=row["unit_price"],
        discount_rate=rate(row["discount"]),
        tax_rate=rate(row["tax"]),
        id=row.get("id") or None,
    )


def quote_lines_from_post(post) -> list[LineInput]:
    """The quote lines posted as parallel lists (one input per field and row); rows left
    entirely blank are dropped. Discount and tax are typed in percent."""
    columns = {name: post.getlist(name)[:MAX_POSTED_LINES] for name in LINE_FIELDS}
    count = max((len(values) for values in columns.values()), default=0)
    lines = []
    for index in range(count):
        row = {
            name: (values[index] if index < len(values) else "").strip()
            for name, values in columns.items()
        }
        if not any(row[name] for name in ("product", "description", "quantity", "unit_price")):
            continue
        lines.append(line_from_row(row, rate=_percent))
    return lines

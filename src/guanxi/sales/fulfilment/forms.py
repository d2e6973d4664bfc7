"""Forms of the fulfilment panel: parsing only; the rules live in fulfilment.services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.forms import date_field
from guanxi.sales.fulfilment.services import DeliveryPlanInput, show_quantity

QUANTITY_FIELD = {"max_digits": 12, "decimal_places": 3}


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
        field.widget.attrs.setdefault("class", css)


def _quantity_field(label, *, required=True):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.001", "inputmode": "decimal"}),
        **QUANTITY_FIELD,
    )


class OrderForm(forms.Form):
    """An order header plus one plan line per contract item that is not fully on orders
    (quantity left empty = not on this order)."""

    ordered_on = date_field(_("order date"), required=True)
    notes = forms.CharField(label=_("notes"), max_length=2000, required=False)

    def __init__(self, *args, item_rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["ordered_on"].initial = today
        self.lines = []
        for row in item_rows:
            if row.unordered <= 0:
                continue
            pk = row.item.pk
            quantity = _quantity_field(row.item.description, required=False)
            quantity.widget.attrs["placeholder"] = show_quantity(quantity=row.unordered)
            quantity.widget.attrs["max"] = show_quantity(quantity=row.unordered)
            self.fields[f"q_{pk}"] = quantity
            self.fields[f"d_{pk}"] = date_field(_("planned date"))
            self.fields[f"d_{pk}"].initial = today
            self.fields[f"n_{pk}"] = forms.CharField(
                label=_("notes"), max_length=200, required=False
            )
            self.lines.append(row)
        _style(self)

    def line_fields(self):
        """(row, quantity field, date field, notes field) for the template."""
        return [
            (row, self[f"q_{row.item.pk}"], self[f"d_{row.item.pk}"], self[f"n_{row.item.pk}"])
            for row in self.lines
        ]

    def plans(self) -> list[DeliveryPlanInput]:
        data = self.cleaned_data
        plans = []
        for row in self.lines:
            pk = row.item.pk
            quantity = data.get(f"q_{pk}")
            if quantity in (None, ""):
                continue
            plans.append(
                DeliveryPlanInput(
                    contract_item=row.item,
                    quantity=quantity,
                    planned_on=data.get(f"d_{pk}") or data.get("ordered_on"),
                    notes=data.get(f"n_{pk}") or "",
                )
            )
        return plans


class DeliveryForm(forms.Form):
    quantity = _quantity_field(_("quantity"))
    delivered_on = date_field(_("delivery date"), required=True)
    receiver = forms.CharField(label=_("received by"), max_length=60, required=False)
    notes = forms.CharField(label=_("notes"), max_length=200, required=False)

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["delivered_on"].initial = today
        self.fields["delivered_on"].widget.attrs["max"] = today.isoformat()
        if plan is not None:
            remaining = plan.quantity - plan.delivered_quantity
            self.fields["quantity"].initial = show_quantity(quantity=remaining)
            self.fields["quantity"].widget.attrs["max"] = show_quantity(quantity=remaining)
        _style(self)


class StockOutForm(forms.Form):
    contract_item = forms.TypedChoiceField(label=_("item"), coerce=int)
    quantity = _quantity_field(_("quantity"))
    out_on = date_field(_("stock-out date"), required=True)
    warehouse = forms.CharField(label=_("warehouse"), max_length=60, required=False)
    order = forms.TypedChoiceField(
        label=pgettext_lazy("sales order", "order"), coerce=int, required=False, empty_value=None
    )
    notes = forms.CharField(label=_("notes"), max_length=200, required=False)

    def __init__(self, *args, item_rows=(), orders=(), **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["out_on"].initial = today
        self.fields["out_on"].widget.attrs["max"] = today.isoformat()
        self.fields["contract_item"].choices = [
            (
                row.item.pk,
                _("%(item)s (%(left)s left)")
                % {"item": row.item.description, "left": show_quantity(quantity=row.stock_left)},
            )
            for row in item_rows
            if row.stock_left > 0
        ]
        self.fields["order"].choices = [("", _("— none —"))] + [
            (order.pk, order.number) for order in orders if order.status != "cancelled"
        ]
        _style(self)

"""The installed-base form: parsing only; the rules live in assets.services."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.care.assets.services import DOCUMENTS, AssetInput
from guanxi.care.models import InstalledAsset
from guanxi.core.forms import date_field
from guanxi.sales.models import Product

DATE_FIELDS = (
    "purchased_on",
    "delivered_on",
    "warranty_ends_on",
    "last_maintenance_on",
    "next_maintenance_on",
    "retired_on",
)


class AssetForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("product"),
        queryset=Product.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label=_("Not in the catalogue"),
    )
    product_name = forms.CharField(
        label=_("name"),
        max_length=120,
        required=False,
        help_text=_("Filled from the product when left empty."),
    )
    serial = forms.CharField(label=_("serial number / VIN"), max_length=40, required=False)
    user_name = forms.CharField(label=_("used by"), max_length=50, required=False)
    user_phone = forms.CharField(label=_("user's phone"), max_length=20, required=False)
    purchased_on = date_field(_("purchase date"))
    delivered_on = date_field(_("delivery date"))
    warranty_ends_on = date_field(_("warranty ends"))
    last_maintenance_on = date_field(_("last maintenance"))
    next_maintenance_on = date_field(_("next maintenance"))
    documents = forms.MultipleChoiceField(
        label=_("documents on file"),
        choices=list(DOCUMENTS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("notes"), max_length=500, required=False)
    retired_on = date_field(_("no longer used since"))

    def __init__(self, *args: Any, asset: InstalledAsset | None = None, **kwargs: Any) -> None:
        """`asset`: the record the form changes, whose product stays a choice if it has been
        taken off the catalogue since."""
        super().__init__(*args, **kwargs)
        product = self.fields["product"]
        if asset is not None and asset.product_id and isinstance(product, forms.ModelChoiceField):
            product.queryset = Product.objects.filter(
                Q(active=True) | Q(pk=asset.product_id)
            ).order_by("name")
        for name, field in self.fields.items():
            if name == "documents":
                field.widget.attrs.setdefault("class", "form-check-input")
            elif name not in DATE_FIELDS:
                css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
                field.widget.attrs.setdefault("class", css)

    def to_input(self) -> AssetInput:
        data = self.cleaned_data
        return AssetInput(
            product=data.get("product"),
            product_name=data.get("product_name", ""),
            serial=data.get("serial", ""),
            user_name=data.get("user_name", ""),
            user_phone=data.get("user_phone", ""),
            documents=list(data.get("documents") or []),
            notes=data.get("notes", ""),
            **{name: data.get(name) for name in DATE_FIELDS},
        )

    @classmethod
    def initial_from(cls, asset: InstalledAsset) -> dict[str, Any]:
        names = ("product", "product_name", "serial", "user_name", "user_phone", "notes")
        initial: dict[str, Any] = {name: getattr(asset, name) for name in names}
        initial.update({name: getattr(asset, name) for name in DATE_FIELDS})
        initial["documents"] = list(asset.documents or [])
        return initial

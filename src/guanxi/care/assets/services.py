"""Writes of the installed base (ARC-10): by hand on the customer's page, and filled from
each delivery (one record per delivery, so a repeated hook call adds nothing)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.accounts.permissions import EDIT_OTHERS
from guanxi.care.models import InstalledAsset
from guanxi.core.errors import ValidationFailed, found
from guanxi.customers.archive.services import timeline_add
from guanxi.customers.models import Customer
from guanxi.sales.models import Delivery, Product

# The documents the archive keeps for a delivered product (seed 003 §1).
DOCUMENTS = {
    "certificate": gettext_lazy("Certificate of conformity (合格证)"),
    "warranty": gettext_lazy("Warranty card (三包凭证)"),
    "pdi": gettext_lazy("PDI checklist"),
    "handover": gettext_lazy("Signed delivery confirmation (交车确认表)"),
    "invoice": gettext_lazy("Purchase invoice copy"),
}
TEXT_LIMITS = {"product_name": 120, "serial": 40, "user_name": 50, "user_phone": 20, "notes": 500}


@dataclass(frozen=True, kw_only=True)
class AssetInput:
    product_name: str
    product: Product | None = None
    serial: str = ""
    user_name: str = ""
    user_phone: str = ""
    purchased_on: dt.date | None = None
    delivered_on: dt.date | None = None
    warranty_ends_on: dt.date | None = None
    last_maintenance_on: dt.date | None = None
    next_maintenance_on: dt.date | None = None
    documents: list[str] = field(default_factory=list)
    notes: str = ""
    retired_on: dt.date | None = None


def _clean(data: AssetInput) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for name, limit in TEXT_LIMITS.items():
        value = str(getattr(data, name) or "").strip()
        if len(value) > limit:
            errors[name] = [_("At most %(limit)d characters.") % {"limit": limit}]
        texts[name] = value
    if not texts["product_name"] and data.product is not None:
        texts["product_name"] = data.product.name
    if not texts["product_name"]:
        errors["product_name"] = [_("Say what the customer has.")]
    if data.delivered_on and data.purchased_on and data.delivered_on < data.purchased_on:
        errors["delivered_on"] = [_("The delivery cannot be before the purchase.")]
    if data.warranty_ends_on and data.delivered_on and data.warranty_ends_on < data.delivered_on:
        errors["warranty_ends_on"] = [_("The warranty cannot end before the delivery.")]
    if (
        data.last_maintenance_on
        and data.next_maintenance_on
        and data.next_maintenance_on < data.last_maintenance_on
    ):
        errors["next_maintenance_on"] = [_("The next maintenance cannot be before the last one.")]
    unknown = [code for code in data.documents if code not in DOCUMENTS]
    if unknown:
        errors["documents"] = [_("Unknown document: %(code)s.") % {"code": ", ".join(unknown)}]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {
        **texts,
        "product": data.product,
        "purchased_on": data.purchased_on,
        "delivered_on": data.delivered_on,
        "warranty_ends_on": data.warranty_ends_on,
        "last_maintenance_on": data.last_maintenance_on,
        "next_maintenance_on": data.next_maintenance_on,
        "documents": sorted(set(data.documents)),
        "retired_on": data.retired_on,
    }


def _editable_customer(*, actor: User, customer_id: int) -> Customer:
    return found(
        Customer.objects.editable_by(actor, action=EDIT_OTHERS).filter(pk=customer_id).first()
    )


@transaction.atomic
def asset_create(*, actor: User, customer: Customer, data: AssetInput) -> InstalledAsset:
    customer = _editable_customer(actor=actor, customer_id=customer.pk)
    asset = InstalledAsset.objects.create(customer=customer, created_by=actor, **_clean(data))
    timeline_add(
        customer=customer,
        kind="asset",
        title=_("Installed base: %(asset)s added") % {"asset": asset},
        actor=actor,
        ref=asset,
    )
    return asset


@transaction.atomic
def asset_update(*, actor: User, asset: InstalledAsset, data: AssetInput) -> InstalledAsset:
    _editable_customer(actor=actor, customer_id=asset.customer_id)
    locked = InstalledAsset.objects.select_for_update().get(pk=asset.pk)
    for name, value in _clean(data).items():
        setattr(locked, name, value)
    locked.save()
    return locked


def asset_from_delivery(*, delivery: Delivery, actor: User | None = None) -> InstalledAsset:
    """The installed-base record of a delivery (called inside the delivery's transaction):
    the product, the contract, the purchase (signing) and delivery dates; the customer as its
    user until someone says otherwise. A second call for the same delivery changes nothing."""
    existing: InstalledAsset | None = InstalledAsset.objects.filter(delivery=delivery).first()
    if existing is not None:
        return existing
    item = delivery.plan.contract_item
    contract = item.contract
    customer = contract.customer
    asset = InstalledAsset.objects.create(
        customer=customer,
        product=item.product,
        product_name=item.description[:120],
        contract=contract,
        delivery=delivery,
        user_name=customer.name[:50],
        purchased_on=contract.signed_on,
        delivered_on=delivery.delivered_on,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    return asset

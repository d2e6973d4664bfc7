"""The installed base (ARC-10, seed 003 §1: 客户资产 — 使用人, 合格证, 三包, PDI, 交车确认)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import user_stamp
from guanxi.core.model_parts import optional_fk
from guanxi.customers.models import customer_fk
from guanxi.sales.models import Contract, Product


class InstalledAsset(models.Model):
    """What a customer bought and uses: the anchor of after-sales reminders (first maintenance,
    warranty end) and repurchase cycles. Filled from deliveries (one per delivery and contract
    line; `delivery` keeps it idempotent) and editable; or entered by hand."""

    customer = customer_fk("assets", _("customer"), db_index=False)
    product = optional_fk(Product, _("product"))
    product_name = models.CharField(_("product"), max_length=120)
    serial = models.CharField(_("serial number / VIN"), max_length=40, blank=True)
    user_name = models.CharField(_("used by"), max_length=50, blank=True)
    user_phone = models.CharField(_("user's phone"), max_length=20, blank=True)
    contract = optional_fk(Contract)
    delivery = models.OneToOneField(
        "sales.Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="asset"
    )
    purchased_on = models.DateField(_("purchase date"), null=True, blank=True)
    delivered_on = models.DateField(_("delivery date"), null=True, blank=True)
    warranty_ends_on = models.DateField(_("warranty ends"), null=True, blank=True)
    last_maintenance_on = models.DateField(_("last maintenance"), null=True, blank=True)
    next_maintenance_on = models.DateField(_("next maintenance"), null=True, blank=True)
    # The documents of 003 §1 the archive keeps for a delivered vehicle/product.
    documents = models.JSONField(_("documents on file"), default=list, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    retired_on = models.DateField(_("no longer used since"), null=True, blank=True)
    created_by = user_stamp()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("installed product")
        verbose_name_plural = _("installed base")
        ordering = ["-delivered_on", "-id"]
        indexes = [
            models.Index(fields=["customer", "-id"], name="asset_customer_idx"),
            models.Index(fields=["next_maintenance_on"], name="asset_maintenance_idx"),
            models.Index(fields=["warranty_ends_on"], name="asset_warranty_idx"),
            models.Index(fields=["delivered_on"], name="asset_delivered_idx"),
            models.Index(fields=["serial"], name="asset_serial_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(product_name=""), name="asset_product_name"),
            models.CheckConstraint(
                condition=Q(warranty_ends_on__isnull=True)
                | Q(delivered_on__isnull=True)
                | Q(warranty_ends_on__gte=F("delivered_on")),
                name="asset_warranty_after_delivery",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} {self.serial}".strip()

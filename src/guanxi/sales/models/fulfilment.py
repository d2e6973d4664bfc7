"""Orders, delivery plans and records, stock-out (ORD-3)."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import user_stamp
from guanxi.core.model_parts import optional_fk
from guanxi.sales.models.catalog import QUANTITY


class Order(models.Model):
    """An order under a signed contract (订单): what is to be delivered this time."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("order status", "Open")
        PARTIAL = "partial", _("Partly delivered")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    contract = models.ForeignKey(
        "sales.Contract", on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    number = models.CharField(pgettext_lazy("document", "number"), max_length=30, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    ordered_on = models.DateField(_("order date"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = user_stamp()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("sales order", "order")
        verbose_name_plural = _("orders")
        ordering = ["-id"]
        indexes = [models.Index(fields=["contract", "-id"], name="order_contract_idx")]

    def __str__(self):
        return self.number


class DeliveryPlan(models.Model):
    """What, how much, when (交付计划). `delivered_quantity` is kept by the delivery service
    under a row lock; the database refuses more than planned."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="plans")
    contract_item = models.ForeignKey(
        "sales.ContractItem", on_delete=models.PROTECT, related_name="delivery_plans"
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    delivered_quantity = models.DecimalField(_("delivered"), default=0, **QUANTITY)
    planned_on = models.DateField(_("planned date"))
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    # Not columns: what fulfilment.selectors adds for the pages.
    shown_quantity: Decimal
    shown_delivered: Decimal
    remaining: Decimal
    late: bool
    days_late: int

    class Meta:
        verbose_name = _("delivery plan")
        verbose_name_plural = _("delivery plans")
        ordering = ["planned_on", "id"]
        indexes = [models.Index(fields=["planned_on"], name="deliveryplan_date_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="deliveryplan_quantity"),
            models.CheckConstraint(
                condition=Q(delivered_quantity__gte=0, delivered_quantity__lte=F("quantity")),
                name="deliveryplan_not_over_delivered",
            ),
        ]

    def __str__(self):
        return f"{self.order_id} {self.contract_item_id} {self.quantity}"

    @property
    def remaining_quantity(self):
        return self.quantity - self.delivered_quantity


class Delivery(models.Model):
    """A delivery record (交付记录) against a plan line."""

    plan = models.ForeignKey(DeliveryPlan, on_delete=models.PROTECT, related_name="deliveries")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    delivered_on = models.DateField(_("delivery date"))
    receiver = models.CharField(_("received by"), max_length=60, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    recorded_by = user_stamp()
    created_at = models.DateTimeField(auto_now_add=True)

    shown_quantity: Decimal  # not a column: fulfilment.selectors adds it for the pages

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["delivered_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="delivery_quantity"),
        ]

    def __str__(self):
        return f"{self.plan_id} {self.quantity} {self.delivered_on}"


class StockOut(models.Model):
    """A stock-out record (出库单) for a contract line."""

    number = models.CharField(pgettext_lazy("document", "number"), max_length=30, unique=True)
    contract = models.ForeignKey(
        "sales.Contract", on_delete=models.PROTECT, related_name="stock_outs", db_index=False
    )
    order = optional_fk(Order, on_delete=models.PROTECT, related_name="stock_outs")
    contract_item = models.ForeignKey(
        "sales.ContractItem", on_delete=models.PROTECT, related_name="stock_outs"
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    warehouse = models.CharField(_("warehouse"), max_length=60, blank=True)
    out_on = models.DateField(_("stock-out date"))
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    recorded_by = user_stamp()
    created_at = models.DateTimeField(auto_now_add=True)

    shown_quantity: Decimal  # not a column: fulfilment.selectors adds it for the pages

    class Meta:
        verbose_name = _("stock-out")
        verbose_name_plural = _("stock-outs")
        ordering = ["-out_on", "-id"]
        indexes = [models.Index(fields=["contract", "-id"], name="stockout_contract_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="stockout_quantity"),
        ]

    def __str__(self):
        return self.number

"""Contracts, their lines and amendments (ORD-2)."""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import user_stamp
from guanxi.core.model_parts import optional_fk, scope_indexes
from guanxi.customers.models import Contact, customer_fk
from guanxi.sales.models.catalog import AMOUNT, LineItem, Quote, ScopedRecord


class Contract(ScopedRecord):
    """A sales contract. Owner and department are the signing consultant's (data scope);
    amounts are stored totals of the lines; paid/invoiced are kept by the services under a
    row lock, never summed on a page."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_APPROVAL = "in_approval", _("In approval")
        SIGNED = "signed", _("Signed")
        EXECUTING = "executing", _("Executing")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    number = models.CharField(pgettext_lazy("document", "number"), max_length=30, unique=True)
    title = models.CharField(pgettext_lazy("document", "title"), max_length=200)
    customer = customer_fk("contracts", on_delete=models.PROTECT, db_index=False)
    signing_contact = optional_fk(Contact, _("signing contact"))
    quote = optional_fk(Quote, related_name="contracts")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    terms = models.TextField(_("terms"), blank=True)
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    gross_amount = models.DecimalField(_("amount before discount"), default=0, **AMOUNT)
    discount_amount = models.DecimalField(_("discount"), default=0, **AMOUNT)
    net_amount = models.DecimalField(_("amount without tax"), default=0, **AMOUNT)
    tax_amount = models.DecimalField(_("tax"), default=0, **AMOUNT)
    total_amount = models.DecimalField(_("total"), default=0, **AMOUNT)
    paid_amount = models.DecimalField(_("collected"), default=0, **AMOUNT)
    invoiced_amount = models.DecimalField(_("invoiced"), default=0, **AMOUNT)
    terminated_reason = models.TextField(_("reason for termination"), blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    amendment_count = models.PositiveIntegerField(default=0)
    # Recorded as purchase history (an import of past orders, INTG-1): signed on its date
    # outside the approval flow, with the old system's order number as `reference`
    # (docs/decisions.md "Purchase history is a contract marked as history").
    is_history = models.BooleanField(_("purchase history"), default=False, db_default=False)
    reference = models.CharField(_("reference"), max_length=80, blank=True, default="")
    version = models.PositiveIntegerField(default=1)  # optimistic concurrency on edits
    created_by = user_stamp()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [
            *scope_indexes("contract", "-id"),
            models.Index(fields=["customer", "-id"], name="contract_customer_idx"),
            models.Index(fields=["status", "-id"], name="contract_status_idx"),
            models.Index(fields=["owner", "signed_on"], name="contract_owner_signed_idx"),
            models.Index(fields=["department", "signed_on"], name="contract_dept_signed_idx"),
            models.Index(fields=["signed_on"], name="contract_signed_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="contract_total"),
            # ROUND because SQLite keeps decimals as REAL, where 3.87 + 0.23 != 4.10;
            # on PostgreSQL (numeric) it changes nothing.
            models.CheckConstraint(
                condition=Q(total_amount=Round(F("net_amount") + F("tax_amount"), 2)),
                name="contract_net_plus_tax",
            ),
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="contract_paid"),
            models.CheckConstraint(condition=Q(invoiced_amount__gte=0), name="contract_invoiced"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def outstanding_amount(self):
        return max(self.total_amount - self.paid_amount, 0)

    @property
    def editable(self) -> bool:
        return self.status == self.Status.DRAFT


class ContractItem(LineItem):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="items")

    class Meta(LineItem.Meta):
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        constraints = [
            *LineItem.Meta.constraints,
            models.CheckConstraint(
                condition=Q(total_amount=Round(F("net_amount") + F("tax_amount"), 2)),
                name="contractitem_net_plus_tax",
            ),
        ]


class ContractAmendment(models.Model):
    """An audited change to a signed contract (补充协议): what changed, why, by whom."""

    # indexed by the unique (contract, number) below (amendment_number)
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="amendments", db_index=False
    )
    number = models.PositiveIntegerField()
    reason = models.TextField(_("reason"))
    changes = models.JSONField(default=dict)  # {"field": [before, after], "items": …}
    total_before = models.DecimalField(**AMOUNT)
    total_after = models.DecimalField(**AMOUNT)
    created_by = user_stamp()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="amendment_number"),
        ]

    def __str__(self):
        return f"{self.contract_id} #{self.number}"


class DocumentSequence(models.Model):
    """Per-prefix, per-year counters for document numbers (HT-2026-000001), taken under a
    row lock so two contracts never share a number."""

    key = models.CharField(max_length=20, unique=True)  # "HT-2026"
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.key} {self.last}"

"""Payment plans, payments and invoices (ORD-4, ORD-5).

Instalments carry copies of the contract's owner, department and customer so that the
receivables report and a consultant's overdue list are one index range each, without a
join to the contract table (DESIGN: fast by design)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import Department, User, user_stamp
from guanxi.core.model_parts import idempotency_key_unique, optional_fk, scope_indexes
from guanxi.customers.models import customer_fk
from guanxi.sales.models.catalog import AMOUNT, RATE, ScopedRecord


class Instalment(ScopedRecord):
    """One batch of the payment plan (回款计划, 按批次收款)."""

    # Indexed here: the scope indexes below are partial (open instalments only), so they do
    # not stand in for these columns' own (ScopedRecord leaves them without one).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = optional_fk(Department)
    # indexed by the unique (contract, sequence) below (instalment_sequence)
    contract = models.ForeignKey(
        "sales.Contract", on_delete=models.CASCADE, related_name="instalments", db_index=False
    )
    sequence = models.PositiveSmallIntegerField(_("instalment"))
    due_on = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), **AMOUNT)
    paid_amount = models.DecimalField(_("paid"), default=0, **AMOUNT)
    settled = models.BooleanField(default=False)  # paid_amount == amount; for partial indexes
    # copies of the contract's (kept in step by the services)
    customer = customer_fk("instalments")
    active = models.BooleanField(default=False)  # the contract is signed/executing
    reminded_at = models.DateTimeField(null=True, blank=True)  # overdue reminder sent
    # Made on signing because no plan was given: the whole total, due on the signing date; it
    # follows the total through amendments until a plan is given (docs/decisions.md).
    on_signing = models.BooleanField(default=False)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    # Not columns: what receivables.selectors adds for the lists.
    days_overdue: int
    bucket: str

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["contract", "sequence"]
        indexes = [
            # receivables and overdue lists: open instalments only
            models.Index(
                fields=["owner", "due_on"],
                name="instalment_owner_open_idx",
                condition=Q(settled=False, active=True),
            ),
            models.Index(
                fields=["department", "due_on"],
                name="instalment_dept_open_idx",
                condition=Q(settled=False, active=True),
            ),
            models.Index(
                fields=["due_on"],
                name="instalment_open_idx",
                condition=Q(settled=False, active=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contract", "sequence"], name="instalment_sequence"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0, paid_amount__lte=F("amount")),
                name="instalment_not_overpaid",
            ),
            models.CheckConstraint(
                condition=Q(settled=True, paid_amount=F("amount"))
                | Q(settled=False, paid_amount__lt=F("amount")),
                name="instalment_settled_flag",
            ),
        ]

    def __str__(self):
        return f"{self.contract_id} #{self.sequence} {self.amount}"

    @property
    def open_amount(self):
        return self.amount - self.paid_amount


class VoidableRecord(ScopedRecord):
    """Who recorded a payment or an invoice and, once voided, why, when and by whom: both are
    voided the same way (receivables.services._mark_voided), never deleted."""

    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = optional_fk(User)
    recorded_by = user_stamp()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Payment(VoidableRecord):
    """A payment received (回款记录). Confirmed payments count; pending ones wait for an
    approval flow (ORD-2) and are not yet applied to instalments."""

    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        CASH = "cash", _("Cash")
        CARD = "card", _("Card")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")
        CHEQUE = "cheque", _("Cheque")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")
        VOIDED = "voided", _("Voided")

    contract = models.ForeignKey(
        "sales.Contract", on_delete=models.PROTECT, related_name="payments", db_index=False
    )
    customer = customer_fk("payments", on_delete=models.PROTECT)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    received_on = models.DateField(_("date received"))
    method = models.CharField(
        pgettext_lazy("payment", "method"), max_length=10, choices=Method.choices
    )
    reference = models.CharField(_("reference"), max_length=80, blank=True)  # bank serial
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    # the part not matched to any instalment: an explicit over-payment (预收/多付)
    unallocated_amount = models.DecimalField(_("over-payment"), default=0, **AMOUNT)
    overpayment_accepted = models.BooleanField(_("over-payment accepted"), default=False)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    # the instalment the payer named; a pending payment is allocated from it when approved
    requested_instalment = optional_fk(Instalment)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["contract", "-id"], name="payment_contract_idx"),
            *scope_indexes("payment", "received_on"),
            models.Index(fields=["received_on"], name="payment_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount"),
            models.CheckConstraint(
                condition=Q(unallocated_amount__gte=0, unallocated_amount__lte=F("amount")),
                name="payment_unallocated",
            ),
            idempotency_key_unique("payment", per="recorded_by"),
        ]

    def __str__(self):
        return f"{self.contract_id} {self.amount} {self.received_on}"


class PaymentAllocation(models.Model):
    """How much of a payment went to which instalment."""

    # indexed by the unique (payment, instalment) below (allocation_once)
    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="allocations", db_index=False
    )
    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(**AMOUNT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["payment", "instalment"], name="allocation_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount"),
        ]

    def __str__(self):
        return f"{self.payment_id} → {self.instalment_id} {self.amount}"


class Invoice(VoidableRecord):
    """An invoice issued (开票记录): 普票 or 专票, against a contract and optionally a payment."""

    class Kind(models.TextChoices):
        NORMAL = "normal", _("General VAT invoice (普票)")
        SPECIAL = "special", _("Special VAT invoice (专票)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        ISSUED = "issued", _("Issued")
        REJECTED = "rejected", _("Rejected")
        VOIDED = "voided", _("Voided")

    contract = models.ForeignKey(
        "sales.Contract", on_delete=models.PROTECT, related_name="invoices", db_index=False
    )
    payment = optional_fk(Payment, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=40)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount incl. tax"), **AMOUNT)
    tax_rate = models.DecimalField(_("tax rate"), **RATE)
    net_amount = models.DecimalField(_("amount without tax"), **AMOUNT)
    tax_amount = models.DecimalField(_("tax"), **AMOUNT)
    issued_on = models.DateField(_("date issued"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ISSUED
    )
    # invoicing beyond the contract total needs an explicit, recorded override (ORD-5)
    over_invoice_override = models.BooleanField(default=False)
    override_reason = models.CharField(
        _("reason for invoicing beyond the contract"), max_length=200, blank=True
    )
    override_by = optional_fk(User)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["contract", "-id"], name="invoice_contract_idx"),
            *scope_indexes("invoice", "issued_on"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="invoice_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount"),
            models.CheckConstraint(
                condition=Q(amount=Round(F("net_amount") + F("tax_amount"), 2)),
                name="invoice_net_plus_tax",
            ),
            models.CheckConstraint(
                condition=Q(over_invoice_override=False) | ~Q(override_reason=""),
                name="invoice_override_reason",
            ),
        ]

    def __str__(self):
        return self.number

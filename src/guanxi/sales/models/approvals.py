"""Approval flows (审批, ORD-2) for contracts, payments and invoices.

A flow is edited by saving a new `ApprovalFlowVersion`; an `Approval` (one submission of one
record) points at the version it started with, so running approvals keep their rules.
Approvers are resolved into `ApprovalTask` rows when a step starts: the approver's queue is
one index range (approver, state)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import user_fk, user_stamp


class ApprovalTarget(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    PAYMENT = "payment", _("Payment")
    INVOICE = "invoice", _("Invoice")
    # a higher app's record (service: a complaint's compensation); it registers how the
    # record is scoped and linked in approvals.selectors.other_targets
    COMPLAINT = "complaint", _("Complaint compensation")


class ApprovalFlow(models.Model):
    name = models.CharField(_("name"), max_length=80)
    target = models.CharField(
        pgettext_lazy("approval flow", "applies to"), max_length=10, choices=ApprovalTarget.choices
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)  # lowest first
    active = models.BooleanField(_("active"), default=True)
    current_version = models.ForeignKey(
        "sales.ApprovalFlowVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("approval flow")
        verbose_name_plural = _("approval flows")
        ordering = ["target", "priority", "id"]

    def __str__(self):
        return self.name


class ApprovalFlowVersion(models.Model):
    """Conditions and steps of a flow as they were at one edit.

    conditions: {"min_amount": "50000.00" | null, "department_ids": [..], "product_ids": [..]}
      (all given conditions must hold; an empty dict matches every record).
    steps: [{"kind": "direct_manager" | "managers_manager" | "role" | "users",
             "role_id": int | null, "user_ids": [..], "mode": "all" (会签) | "any" (或签),
             "name": "..."}]
    """

    # indexed by the unique (flow, number) below (flowversion_number)
    flow = models.ForeignKey(
        ApprovalFlow, on_delete=models.CASCADE, related_name="versions", db_index=False
    )
    number = models.PositiveIntegerField()
    conditions = models.JSONField(default=dict, blank=True)
    steps = models.JSONField(default=list)
    created_by = user_stamp()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["flow", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["flow", "number"], name="flowversion_number"),
        ]

    def __str__(self):
        return f"{self.flow_id} v{self.number}"


class Approval(models.Model):
    """One submission of one record to a flow version."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    target = models.CharField(max_length=10, choices=ApprovalTarget.choices)
    target_id = models.PositiveBigIntegerField()
    flow_version = models.ForeignKey(
        ApprovalFlowVersion, on_delete=models.PROTECT, related_name="approvals"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    step_index = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)  # "HT-2026-000012 张伟 ¥128,000.00" for queues
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    submitted_by = user_stamp()
    submitted_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # The document as it was submitted (lines, totals, plan: written by the record's area),
    # so that a resubmission can be compared with the round that was decided before it.
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["target", "target_id", "-id"], name="approval_target_idx")]
        constraints = [
            # one running approval per record: the record is locked while it is pending
            models.UniqueConstraint(
                fields=["target", "target_id"],
                condition=Q(state="pending"),
                name="approval_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.target} {self.target_id} {self.state}"


class ApprovalTask(models.Model):
    """One approver's part in one step."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")  # a later step, not yet this approver's turn
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SKIPPED = "skipped", _("Not needed")  # 或签: another approver decided

    # indexed by the unique (approval, step_index, approver) below (approvaltask_once)
    approval = models.ForeignKey(
        Approval, on_delete=models.CASCADE, related_name="tasks", db_index=False
    )
    step_index = models.PositiveSmallIntegerField()
    # indexed by (approver, state, id) below (approvaltask_queue_idx)
    approver = user_fk("approval_tasks", db_index=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["step_index", "id"]
        indexes = [models.Index(fields=["approver", "state", "-id"], name="approvaltask_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["approval", "step_index", "approver"], name="approvaltask_once"
            ),
        ]

    def __str__(self):
        return f"{self.approval_id}/{self.step_index} {self.approver_id} {self.state}"


class ApprovalEvent(models.Model):
    """Everything that happened to an approval: submit, approve, reject, withdraw, comment."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted")
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        WITHDRAW = "withdraw", _("Withdrawn")
        COMMENT = "comment", _("Comment")
        FINISH = "finish", _("Completed")

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="events")
    actor = user_stamp()
    action = models.CharField(max_length=10, choices=Action.choices)
    step_index = models.PositiveSmallIntegerField(null=True)
    comment = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.approval_id} {self.action}"

"""Complaints (CMP-1..3): categories and sub-items of seed 003 §4.2 as data, routing rules,
SLA targets, the complaint with its five steps (001 任务2) and its history."""

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import Department, User, user_stamp
from guanxi.core.i18n import bilingual
from guanxi.core.model_parts import optional_fk
from guanxi.core.scope import ScopedQuerySet
from guanxi.customers.models import Customer, customer_fk
from guanxi.sales.models import Product
from guanxi.service.models.calls import Call


class ComplaintCategory(models.Model):
    """A category of complaint (产品质量, 服务质量, 购车条件, 客户期望, 其它) or, with a parent,
    one of its sub-items (e.g. 车辆存在质量缺陷和瑕疵). Shipped by a data migration; an
    administrator adds, renames or switches them off."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return bilingual(self.name, self.name_en)


class Severity(models.TextChoices):
    LOW = "low", pgettext_lazy("severity", "Low")
    NORMAL = "normal", pgettext_lazy("severity", "Normal")
    HIGH = "high", pgettext_lazy("severity", "High")
    CRITICAL = "critical", pgettext_lazy("severity", "Critical")


class ComplaintSettings(models.Model):
    """The one row of complaint-wide settings (data an administrator changes): the routing
    target of seed 003 §4.4.1 (30 minutes), how long an escalation waits before it goes one
    level higher, and the goodwill amount above which compensation needs an approval."""

    route_minutes = models.PositiveIntegerField(_("routing target (business minutes)"), default=30)
    next_level_minutes = models.PositiveIntegerField(
        _("escalate one level higher after (business minutes)"), default=240
    )
    compensation_approval_above = models.DecimalField(
        _("compensation needs approval above"),
        default=Decimal("500.00"),
        max_digits=12,
        decimal_places=2,
    )

    class Meta:
        verbose_name = _("complaint settings")
        verbose_name_plural = _("complaint settings")
        constraints = [
            models.CheckConstraint(condition=Q(route_minutes__gte=1), name="cmpset_route_min"),
            models.CheckConstraint(
                condition=Q(next_level_minutes__gte=1), name="cmpset_next_level_min"
            ),
            models.CheckConstraint(
                condition=Q(compensation_approval_above__gte=0), name="cmpset_threshold_min"
            ),
        ]

    def __str__(self) -> str:
        return str(_("complaint settings"))


class SlaTarget(models.Model):
    """Response and resolution targets in business minutes for a category (None: any) and a
    severity ("": any). The most specific row wins (category and severity, then category,
    then severity, then the default row)."""

    category = optional_fk(
        ComplaintCategory,
        _("category"),
        on_delete=models.CASCADE,
        related_name="sla_targets",
        limit_choices_to={"parent__isnull": True},
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    respond_minutes = models.PositiveIntegerField(_("response target (business minutes)"))
    resolve_minutes = models.PositiveIntegerField(_("resolution target (business minutes)"))

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "severity"],
                condition=Q(category__isnull=False),
                name="slatarget_unique",
            ),
            models.UniqueConstraint(
                fields=["severity"], condition=Q(category__isnull=True), name="slatarget_unique_any"
            ),
            models.CheckConstraint(
                condition=Q(respond_minutes__gte=1) & Q(resolve_minutes__gte=1),
                name="slatarget_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_id or '*'} / {self.severity or '*'}"


class ComplaintRoute(models.Model):
    """A routing rule: complaints of this category (and product, and customer's department;
    an empty condition matches any) go to a department's queue or to a user at once, on
    creation. The lowest priority number that matches wins."""

    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    category = optional_fk(
        ComplaintCategory, _("category"), on_delete=models.CASCADE, related_name="routes"
    )
    product = optional_fk(Product, _("product"), on_delete=models.CASCADE)
    customer_department = optional_fk(
        Department, _("customer's department"), on_delete=models.CASCADE
    )
    to_department = optional_fk(Department, _("to the queue of"), on_delete=models.CASCADE)
    to_user = optional_fk(User, _("to the user"), on_delete=models.CASCADE)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("complaint routing rule")
        verbose_name_plural = _("complaint routing rules")
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_department__isnull=False) | Q(to_user__isnull=False),
                name="complaintroute_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.priority} → {self.to_user_id or self.to_department_id}"


class ComplaintQuerySet(ScopedQuerySet["Complaint"]):
    """Complaints in the scope of their handler and queue; who sees the customer also sees its
    complaints (read only), as on the customer's 360 page."""

    def scope_condition(self, user: Any) -> Q | None:
        # EXISTS, not IN: inside the OR of the scope an IN list of a million visible customers
        # is too big for PostgreSQL's hashed subplan and was read again for every complaint
        # (9 s for a manager's count at 1M customers); EXISTS probes the customer's key
        return Q(Exists(Customer.objects.visible_to(user).filter(pk=OuterRef("customer_id"))))


class Complaint(models.Model):
    """A customer's complaint (客户投诉). Received by someone (who logged it), routed at once
    by the routing rules to a queue or a user; the user who accepts it is its owner, the
    first-responsible one (首问责任制) until it is routed elsewhere. Then the five steps in
    order — accept 接受, calm 平息, find a solution 探讨, act 行动, thank 感谢 — each with a
    note; closed when thanked; can be reopened. Deadlines are business time (CMP-2)."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        WEB = "web", _("Web / portal form")
        EMAIL = "email", _("E-mail")
        VISIT = "visit", _("Visit")
        SURVEY = "survey", _("Survey")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("complaint status", "Open")
        CLOSED = "closed", pgettext_lazy("complaint status", "Closed")

    class Resolution(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        UNRESOLVED = "unresolved", _("Not resolved")

    class Compensation(models.TextChoices):
        NONE = "", _("None")
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    customer = customer_fk("complaints", _("customer"), db_index=False)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    category = models.ForeignKey(
        ComplaintCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="complaints",
        db_index=False,
    )
    item = optional_fk(ComplaintCategory, _("sub-item"), on_delete=models.PROTECT)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL
    )
    product = optional_fk(Product, _("product"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000)
    # the call (call centre log, SRV-3) it was taken on
    call = optional_fk(Call, _("call"), related_name="complaints")

    received_by = user_stamp(_("received by"))
    first_owner = optional_fk(User, _("first responsible (首问责任人)"))
    owner = optional_fk(User, _("handler"), related_name="complaints", db_index=False)
    department = optional_fk(Department, _("queue"), db_index=False)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    step = models.PositiveSmallIntegerField(_("steps done"), default=0)
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=Resolution.choices, blank=True
    )
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    created_at = models.DateTimeField(_("received"))
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    route_due = models.DateTimeField(_("route by"))
    respond_due = models.DateTimeField(_("respond by"))
    resolve_due = models.DateTimeField(_("resolve by"))
    # business minutes from receipt, kept when the clock stops (statistics read them)
    route_minutes = models.PositiveIntegerField(null=True, blank=True)
    respond_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolve_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolve_target = models.PositiveIntegerField(_("resolution target (business minutes)"))

    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # when the escalation run looks at it next (None: nothing to escalate)
    escalate_at = models.DateTimeField(null=True, blank=True)

    compensation = models.DecimalField(
        _("compensation / goodwill"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    compensation_state = models.CharField(
        _("compensation"), max_length=10, choices=Compensation.choices, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="complaint_created_idx"),
            # the list's default (open, newest first) and the escalated ones, newest first
            models.Index(
                fields=["status", "-created_at", "-id"], name="complaint_status_created_idx"
            ),
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(escalation_level__gt=0),
                name="complaint_escalated_idx",
            ),
            models.Index(fields=["owner", "status", "-created_at"], name="complaint_owner_idx"),
            # a handler's open complaints on the work list: escalated, then earliest deadline
            models.Index(
                fields=["owner", "status", "-escalation_level", "resolve_due", "id"],
                name="complaint_owner_due_idx",
            ),
            models.Index(fields=["department", "status", "-created_at"], name="complaint_dept_idx"),
            models.Index(fields=["customer", "-created_at"], name="complaint_customer_idx"),
            models.Index(fields=["status", "escalate_at"], name="complaint_escalate_idx"),
            models.Index(fields=["status", "resolve_due"], name="complaint_resolve_due_idx"),
            models.Index(fields=["category", "-created_at"], name="complaint_category_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="complaint_title"),
            models.CheckConstraint(condition=Q(step__lte=5), name="complaint_step_range"),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True, resolution="")
                | Q(status="closed", closed_at__isnull=False, step=5) & ~Q(resolution=""),
                name="complaint_closed_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(compensation__isnull=True) | Q(compensation__gte=0),
                name="complaint_compensation_min",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ComplaintEvent(models.Model):
    """The complaint's history: the five steps with their notes, routing, closing, reopening,
    escalations and the compensation's approval. A step may appear again after a reopening."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", _("Received")
        ROUTE = "route", _("Routed")
        ACCEPT = "accept", _("接受 Accept")
        CALM = "calm", _("平息 Calm")
        SOLVE = "solve", _("探讨 Find a solution")
        ACT = "act", _("行动 Act")
        THANK = "thank", _("感谢 Thank")
        CLOSE = "close", _("Closed")
        REOPEN = "reopen", _("Reopened")
        ESCALATE = "escalate", _("Escalated")
        COMPENSATION = "compensation", _("Compensation")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    note = models.TextField(_("note"), max_length=4000, blank=True)
    actor = optional_fk(User)
    at = models.DateTimeField(_("at"))
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["complaint", "at"], name="complaintevent_idx")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"

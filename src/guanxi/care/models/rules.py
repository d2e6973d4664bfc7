"""Care plans as data (CARE-2, seed 003 §2's touch-point table): trigger → offset → action →
assignee, with the implementer and supervisor roles of the seed's table."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Department, Role, User
from guanxi.care.models.messages import Message, MessageTemplate
from guanxi.core.i18n import bilingual
from guanxi.core.model_parts import optional_fk
from guanxi.customers.models import customer_fk


class Trigger(models.TextChoices):
    # events fired by the lower apps (and by the after-sales apps above care)
    CUSTOMER_CREATED = "customer_created", _("Customer created")
    VISIT_LOGGED = "visit_logged", _("Showroom or on-site visit logged")
    STAGE_CHANGED = "stage_changed", _("Intention stage changed")
    QUOTE_REFUSED = "quote_refused", _("Price objection with a next contact")
    CONTRACT_SIGNED = "contract_signed", _("Contract signed")
    DELIVERY_PLANNED = "delivery_planned", _("Delivery planned")
    DELIVERY_DONE = "delivery_done", _("Delivery done")
    PAYMENT_RECEIVED = "payment_received", _("Payment received")
    COMPLAINT_CLOSED = "complaint_closed", _("Complaint closed")
    SURVEY_ANSWERED = "survey_answered", _("Survey answered")
    # dates, evaluated every night
    BIRTHDAY = "birthday", _("Birthday")
    PURCHASE_ANNIVERSARY = "purchase_anniversary", _("Purchase anniversary")
    HOLIDAY = "holiday", _("Holiday")
    NO_CONTACT = "no_contact", _("No contact for a number of days")
    UPKEEP = "upkeep", _("Regular upkeep of signed customers (E class)")
    MAINTENANCE_DUE = "maintenance_due", _("Maintenance due")
    WARRANTY_ENDING = "warranty_ending", _("Warranty ending")
    WEATHER = "weather", _("Bad-weather notice (issued by hand)")

    @classmethod
    def event_triggers(cls) -> frozenset[str]:
        return frozenset(
            {
                cls.CUSTOMER_CREATED,
                cls.VISIT_LOGGED,
                cls.STAGE_CHANGED,
                cls.QUOTE_REFUSED,
                cls.CONTRACT_SIGNED,
                cls.DELIVERY_PLANNED,
                cls.DELIVERY_DONE,
                cls.PAYMENT_RECEIVED,
                cls.COMPLAINT_CLOSED,
                cls.SURVEY_ANSWERED,
                cls.WEATHER,
            }
        )


class CareRule(models.Model):
    """One row of the touch-point table. The offset is signed minutes from the trigger's moment
    (negative: before it, e.g. 72 h before a planned delivery); `params` holds what a trigger
    needs (`days` for no contact, `per_month` for upkeep, `month_day` for a holiday, `stages`
    for a stage change …). Shipped rules have a `code`; admins add, change or switch off rules."""

    class Action(models.TextChoices):
        MESSAGE = "message", _("Send a message")
        TASK = "task", _("Create a task")

    class Assignee(models.TextChoices):
        OWNER = "owner", _("The customer's owner")
        ROLE = "role", _("A user with a role")
        DEPARTMENT = "department", _("A department's queue")
        USER = "user", _("A named user")

    class Unit(models.TextChoices):
        HOURS = "hours", _("hours")
        DAYS = "days", _("days")

    code = models.SlugField(_("code"), max_length=40, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    stage = models.CharField(_("step of the sale"), max_length=60, blank=True)
    purpose = models.CharField(_("purpose"), max_length=120, blank=True)
    trigger = models.CharField(_("trigger"), max_length=24, choices=Trigger.choices)
    params = models.JSONField(_("trigger settings"), default=dict, blank=True)
    offset = models.IntegerField(_("offset"), default=0)
    offset_unit = models.CharField(
        _("offset unit"), max_length=5, choices=Unit.choices, default=Unit.HOURS
    )
    business_hours = models.BooleanField(_("only inside business hours"), default=False)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    # a message's channel (sms/email/in_app) or a task's channel (phone/visit/web)
    channel = models.CharField(_("channel"), max_length=10)
    template = optional_fk(
        MessageTemplate, _("message template"), on_delete=models.PROTECT, related_name="rules"
    )
    topic = models.ForeignKey(
        "care.CareTopic",
        verbose_name=_("回访 topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rules",
    )
    task_kind = models.CharField(_("task kind"), max_length=12, blank=True)
    assignee = models.CharField(
        _("assignee"), max_length=12, choices=Assignee.choices, default=Assignee.OWNER
    )
    assignee_role = optional_fk(Role, _("assignee's role"), on_delete=models.PROTECT)
    assignee_department = optional_fk(Department, _("department"), on_delete=models.PROTECT)
    assignee_user = optional_fk(User, _("user"), on_delete=models.PROTECT)
    implementer_role = optional_fk(Role, _("implementer (实施人)"), on_delete=models.PROTECT)
    supervisor_role = optional_fk(Role, _("supervisor (监督人)"), on_delete=models.PROTECT)
    enabled = models.BooleanField(_("switched on"), default=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("care rule")
        verbose_name_plural = _("care rules")
        ordering = ["sort_order", "id"]
        indexes = [models.Index(fields=["trigger", "enabled"], name="carerule_trigger_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="carerule_name"),
            models.CheckConstraint(
                condition=Q(action="message", template__isnull=False) | Q(action="task"),
                name="carerule_message_has_template",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (the English name where there is one)."""
        return bilingual(self.name, self.name_en)


class CareTouch(models.Model):
    """One touch of a rule on a customer for one occurrence of its trigger (the contract, the
    delivery, the year of a birthday …): the unique key makes a repeated or resumed run
    touch nobody twice. Scheduled at `due_at`; when it is done it names the task or message."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    # indexed by the unique (rule, customer, occurrence) below (touch_once_per_occurrence)
    rule = models.ForeignKey(
        CareRule, on_delete=models.CASCADE, related_name="touches", db_index=False
    )
    customer = customer_fk("care_touches", db_index=False)
    occurrence = models.CharField(max_length=60)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    reason = models.CharField(max_length=200, blank=True)
    task = models.ForeignKey(
        "care.CareTask", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = optional_fk(Message)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("care touch")
        verbose_name_plural = _("care touches")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="touch_due_idx"),
            models.Index(fields=["customer", "-due_at"], name="touch_customer_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "customer", "occurrence"], name="touch_once_per_occurrence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.customer_id} {self.occurrence}"

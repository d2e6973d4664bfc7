"""The call centre (SRV-3, seed 001 项目3 任务1): the call log, the rings a softphone reports
(来电弹屏) and the agents' scripts per kind of call."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Department, user_fk, user_stamp
from guanxi.core.i18n import bilingual
from guanxi.core.model_parts import optional_fk, scope_indexes
from guanxi.core.phones import mask_phone
from guanxi.core.scope import ScopedQuerySet
from guanxi.customers.models import Customer


class CallQuerySet(ScopedQuerySet["Call"]):
    """Calls in the data scope of the agent who took them and their department."""

    scope_owner_field = "agent"


class Call(models.Model):
    """One inbound or outbound call as the agent logged it (seed 001 步骤五: register the call's
    content and type)."""

    class Direction(models.TextChoices):
        INBOUND = "in", _("Inbound")
        OUTBOUND = "out", _("Outbound")

    class Type(models.TextChoices):
        INQUIRY = "inquiry", _("Inquiry")
        COMPLAINT = "complaint", _("Complaint")
        AFTER_SALES = "after_sales", _("After-sales")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        SILENT = "silent", _("Silent call")
        HARASSMENT = "harassment", _("Harassment")
        THREAT = "threat", _("Threat")

    # E.164 as the archive stores phones; blank when the caller withheld the number.
    number = models.CharField(_("number"), max_length=20, blank=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    type = models.CharField(_("call type"), max_length=12, choices=Type.choices)
    started_at = models.DateTimeField(_("start"))
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), default=0)
    notes = models.CharField(_("notes"), max_length=1000, blank=True)
    agent = user_stamp(_("agent"), db_index=False)
    department = optional_fk(Department, db_index=False)
    customer = optional_fk(Customer, _("customer"), related_name="calls", db_index=False)
    created_by = user_stamp()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["-started_at", "-id"], name="call_started_idx"),
            *scope_indexes("call", "-started_at", owner="agent"),
            models.Index(fields=["customer", "-started_at"], name="call_customer_idx"),
            models.Index(fields=["type", "-started_at"], name="call_type_idx"),
            models.Index(fields=["number", "-started_at"], name="call_number_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(direction__in=["in", "out"]), name="call_direction"),
            models.CheckConstraint(
                condition=Q(
                    type__in=[
                        "inquiry",
                        "complaint",
                        "after_sales",
                        "wrong_number",
                        "silent",
                        "harassment",
                        "threat",
                    ]
                ),
                name="call_type_valid",
            ),
        ]

    def __str__(self) -> str:
        # masked: the string reaches messages and logs that every role reads (ARC-6)
        return (
            f"{self.started_at:%Y-%m-%d %H:%M} {self.get_type_display()} {mask_phone(self.number)}"
        )

    @property
    def duration_text(self) -> str:
        """5:54 — minutes and seconds, as a phone shows a call's length."""
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"


class Ring(models.Model):
    """A call ringing at an agent's phone, as the softphone or CTI reported it: the agent's
    open browser picks it up (polling) and shows the caller's card."""

    agent = user_fk("+")
    number = models.CharField(_("number"), max_length=20, blank=True)
    rang_at = models.DateTimeField(_("rang"))
    shown_at = models.DateTimeField(null=True, blank=True)
    call = optional_fk(Call)

    class Meta:
        verbose_name = _("ringing call")
        verbose_name_plural = _("ringing calls")
        indexes = [
            # what the agents' browsers ask every second: their rings not shown yet
            models.Index(
                fields=["agent", "-id"],
                name="ring_pending_idx",
                condition=Q(shown_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rang_at:%H:%M:%S} {mask_phone(self.number)}"


class CallScript(models.Model):
    """What the agent says in a situation of seed 001 步骤三–五 (the greeting, a silent line,
    a caller one cannot hear or understand, a dialect, a wrong number, a call unrelated to the
    service, harassment, threats). Data: an administrator edits the wording."""

    class Situation(models.TextChoices):
        GREETING = "greeting", _("Greeting")
        SILENT = "silent", _("Silent line")
        UNCLEAR = "unclear", _("Cannot hear the caller")
        DIALECT = "dialect", _("Dialect")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        UNRELATED = "unrelated", _("Unrelated to the service")
        HARASSMENT = "harassment", _("Harassment")
        THREAT = "threat", _("Threat")

    situation = models.CharField(_("situation"), max_length=14, choices=Situation.choices)
    title = models.CharField(_("title"), max_length=80)
    title_en = models.CharField(_("title in English"), max_length=80, blank=True)
    body = models.TextField(_("script"))
    body_en = models.TextField(_("script in English"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("call script")
        verbose_name_plural = _("call scripts")
        ordering = ["sort_order", "id"]
        indexes = [models.Index(fields=["situation", "sort_order"], name="callscript_sit_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return bilingual(self.title, self.title_en)

    @property
    def display_body(self) -> str:
        return bilingual(self.body, self.body_en)

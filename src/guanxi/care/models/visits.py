"""回访 and the tasks of after-sales care (CARE-1), and spot checks (CARE-3)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import Department, User
from guanxi.core.i18n import bilingual
from guanxi.core.model_parts import optional_fk, scope_indexes
from guanxi.core.scope import ScopedQuerySet
from guanxi.customers.models import customer_fk


class CareTopic(models.Model):
    """What a 回访 is about, with the questions to ask (data an admin edits): e.g. "48 h after
    an intention customer's visit", "72 h after delivery". `questions` is a list of
    {"key": …, "text": …, "text_en": …}; `scored` asks for a satisfaction score 1–10."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    questions = models.JSONField(_("questions"), default=list, blank=True)
    scored = models.BooleanField(_("asks for a satisfaction score"), default=False)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("回访 topic")
        verbose_name_plural = _("回访 topics")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return bilingual(self.name, self.name_en)


class CareTaskQuerySet(ScopedQuerySet["CareTask"]):
    """Tasks in the data scope of their assignee and the assignee's department."""

    scope_owner_field = "assignee"


class CareTask(models.Model):
    """A 回访 or another dated care task (a call, a follow-up action raised during a 回访, a
    spot-check re-call) for one customer, on the assignee's work list until it is closed.

    Prepare → do (outcome, answers, score, notes) → close → track (an ACTION child with an
    owner and a date when the customer raised something), seed 000 §5.6.1."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("回访")
        CALL = "call", _("Call")
        ACTION = "action", _("Follow-up action")
        SPOT_CHECK = "spot_check", _("Spot-check call")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        WEB = "web", _("Web / online")
        VISIT = "visit", _("Visit")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("task status", "Open")
        DONE = "done", pgettext_lazy("task status", "Done")
        CANCELLED = "cancelled", pgettext_lazy("task status", "Cancelled")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        UNREACHABLE = "unreachable", _("Unreachable")
        REFUSED = "refused", _("Refused")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    class Origin(models.TextChoices):
        MANUAL = "manual", _("By hand")
        RULE = "rule", _("Care rule")
        SPOT_CHECK = "spot_check", _("Spot check")
        TRACK = "track", _("Raised during a 回访")

    customer = customer_fk("care_tasks", _("customer"), db_index=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.VISIT)
    topic = optional_fk(CareTopic, _("topic"), on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(_("title"), max_length=200)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    due_at = models.DateTimeField(_("due"))
    assignee = optional_fk(User, _("assignee"), related_name="care_tasks", db_index=False)
    # The assignee's department when assigned; a task for a department queue has no assignee.
    department = optional_fk(Department, _("department"), db_index=False)
    supervisor = optional_fk(User, _("supervisor"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    origin = models.CharField(
        _("origin"), max_length=12, choices=Origin.choices, default=Origin.MANUAL
    )
    rule = models.ForeignKey(
        "care.CareRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    score = models.PositiveSmallIntegerField(_("satisfaction (1–10)"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = optional_fk(User)
    created_by = optional_fk(User)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CareTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("care task")
        verbose_name_plural = _("care tasks")
        ordering = ["due_at", "id"]
        indexes = [
            # the assignee's open tasks by due time: the work list and the 回访 list
            *scope_indexes("caretask", "status", "due_at", owner="assignee"),
            models.Index(fields=["customer", "-due_at"], name="caretask_customer_idx"),
            models.Index(fields=["status", "due_at"], name="caretask_due_idx"),
            models.Index(fields=["done_at"], name="caretask_done_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="caretask_title"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=10),
                name="caretask_score_range",
            ),
            # closed means done with an outcome (or cancelled); open has none
            models.CheckConstraint(
                condition=Q(status="open", done_at__isnull=True)
                | Q(status="done", done_at__isnull=False)
                | Q(status="cancelled"),
                name="caretask_done_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SpotCheck(models.Model):
    """A re-call of a consultant's logged contact by customer relations (CARE-3): every two
    weeks a random sample of each consultant's follow-ups; the result says whether what the
    customer tells matches what the consultant logged."""

    class Result(models.TextChoices):
        MATCHES = "matches", _("Matches what was logged")
        DIFFERS = "differs", _("Does not match what was logged")
        UNREACHABLE = "unreachable", _("Customer not reached")

    period_start = models.DateField(_("fortnight from"))
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consultant"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    followup = models.OneToOneField(
        "pipeline.FollowUp", on_delete=models.CASCADE, related_name="spot_check"
    )
    task = models.OneToOneField(CareTask, on_delete=models.CASCADE, related_name="spot_check")
    result = models.CharField(_("result"), max_length=12, choices=Result.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-period_start", "id"]
        indexes = [
            models.Index(fields=["consultant", "-period_start"], name="spotcheck_consultant_idx"),
            models.Index(fields=["period_start"], name="spotcheck_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.period_start} {self.followup_id}"


class SpotCheckSettings(models.Model):
    """How spot checks are drawn (CARE-3), one row (id 1) an administrator of spot checks
    edits on the spot-check page: data, not a setting in the code."""

    sample_size = models.PositiveSmallIntegerField(
        _("follow-ups drawn per consultant and fortnight"), default=3
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("spot-check settings")
        verbose_name_plural = _("spot-check settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(sample_size__gte=1, sample_size__lte=50),
                name="spotchecksettings_sample_size",
            ),
        ]

    def __str__(self) -> str:
        return str(self.sample_size)

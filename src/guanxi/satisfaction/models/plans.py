"""Improvement action plans (SAT-4, seed 003 §3.2.2 改善行动方案): item, last score, target,
cause, measure, owner, supervisor, due date, status; the next period's score is read from the
answers of the plan's factor in the month after `period`."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import Department, User, user_fk
from guanxi.core.model_parts import optional_fk
from guanxi.core.scope import ScopedQuerySet


class PlanQuerySet(ScopedQuerySet["ActionPlan"]):
    """Plans in the scope of their owner and the owner's department."""


class ActionPlan(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("plan status", "Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("plan status", "In progress")
        DONE = "done", pgettext_lazy("plan status", "Done")
        CANCELLED = "cancelled", pgettext_lazy("plan status", "Cancelled")

    template = models.ForeignKey(
        "satisfaction.SurveyTemplate", on_delete=models.PROTECT, related_name="+"
    )
    factor_code = models.SlugField(_("factor"), max_length=40)
    item = models.CharField(_("item"), max_length=200)
    period = models.DateField(_("period"))  # the month the last score is from (first day)
    last_score = models.DecimalField(_("last score"), max_digits=6, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=6, decimal_places=2)
    cause = models.TextField(_("cause"), max_length=2000)
    measure = models.TextField(_("measure"), max_length=2000)
    owner = user_fk("+", on_delete=models.PROTECT, db_index=False)
    supervisor = optional_fk(User)
    department = optional_fk(Department, db_index=False)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = optional_fk(User)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_date"], name="sat_plan_owner"),
            models.Index(fields=["department", "status", "due_date"], name="sat_plan_department"),
            models.Index(fields=["status", "due_date"], name="sat_plan_status"),
        ]

    def __str__(self) -> str:
        return self.item

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)

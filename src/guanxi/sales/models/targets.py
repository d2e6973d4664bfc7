"""Sales targets (业绩目标, ORD-8)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Department, User, user_stamp
from guanxi.core.model_parts import optional_fk
from guanxi.sales.models.catalog import AMOUNT


class SalesTarget(models.Model):
    class Period(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    class Metric(models.TextChoices):
        SIGNED = "signed", _("Signed amount")
        COLLECTED = "collected", _("Collected amount")
        NEW_CUSTOMERS = "new_customers", _("New customers")

    user = optional_fk(User, on_delete=models.CASCADE)
    department = optional_fk(Department, on_delete=models.CASCADE)
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    starts_on = models.DateField(_("period start"))  # first day of the month/quarter/year
    metric = models.CharField(_("measure"), max_length=14, choices=Metric.choices)
    value = models.DecimalField(_("target"), **AMOUNT)
    set_by = user_stamp()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, department__isnull=True)
                | Q(user__isnull=True, department__isnull=False),
                name="target_user_or_department",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value"),
            models.UniqueConstraint(
                fields=["user", "period", "starts_on", "metric"],
                condition=Q(user__isnull=False),
                name="target_user_once",
            ),
            models.UniqueConstraint(
                fields=["department", "period", "starts_on", "metric"],
                condition=Q(department__isnull=False),
                name="target_department_once",
            ),
        ]

    def __str__(self):
        return f"{self.user_id or self.department_id} {self.period} {self.starts_on} {self.metric}"

    def audit_label(self) -> str:
        """Whose target, for which period and measure, in the reader's language."""
        subject = self.user if self.user_id else self.department
        return f"{subject} · {self.get_period_display()} {self.starts_on:%Y-%m-%d} · " + str(
            self.get_metric_display()
        )

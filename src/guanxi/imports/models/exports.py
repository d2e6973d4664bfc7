"""Background exports of the lists (RPT-2): one job per export, its progress and its file."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import user_fk


class ExportJob(models.Model):
    """An export a user started: which list (`kind`), with which filters (`params`, the list's
    own query string as a dict), in which format; the worker writes the file into the default
    storage and counts rows as it goes. Only its owner may download it; it expires."""

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (xlsx)"
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    owner = user_fk("export_jobs", db_index=False)
    kind = models.CharField(_("list"), max_length=20)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    # The rows to write, counted up to a cap when the job starts (the progress bar's 100 %),
    # and the rows written so far.
    rows_expected = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    file = models.FileField(max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["owner", "-id"], name="exportjob_owner_idx"),
            # the nightly clean-up: finished files past their expiry
            models.Index(
                fields=["expires_at"],
                name="exportjob_expiry_idx",
                condition=Q(status="done"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=["xlsx", "csv"]), name="exportjob_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_expected:
            return 0
        return min(99, self.rows_done * 100 // self.rows_expected)

"""Imports of external results (SAT-2): third-party, head-office and mystery-shopping (暗访)
scores per factor, from .xlsx or .csv, with the row-by-row errors kept for the report."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import user_stamp


class ExternalImport(models.Model):
    template = models.ForeignKey(
        "satisfaction.SurveyTemplate", on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = user_stamp()
    rows_imported = models.PositiveIntegerField(default=0)
    rows_refused = models.PositiveIntegerField(default=0)
    # [{"row": 3, "errors": ["…"]}, …] in the language of the person who imported
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("external import")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.audit_actions import AuditAction, audit_action_label
from guanxi.core.i18n import bilingual

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class AuditLog(models.Model):
    """Who did what to which record, for the actions SPEC ARC-6/ARC-9 require to be audited:
    reveals of masked values, exports, merges, handovers, deletions, logins."""

    Action = AuditAction

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # Not limited to `Action`: higher apps add their own (core.audit.audit_actions_register).
    action = models.CharField(_("action"), max_length=40)
    target_type = models.CharField(_("record type"), max_length=40, blank=True)
    target_id = models.CharField(_("record id"), max_length=40, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"], name="audit_target_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
            models.Index(fields=["action", "-id"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action_label} {self.summary}"

    @property
    def action_label(self) -> "_StrOrPromise":
        return audit_action_label(self.action)


class CalendarDay(models.Model):
    """A date that departs from the Monday-to-Friday week of the working calendar
    (`core.workdays`): a public holiday on a weekday (not working) or a 调休 make-up working
    day on a weekend (working). Shipped from the `chinese-calendar` package; an administrator
    adds, changes and removes them."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=60, blank=True)
    name_en = models.CharField(_("name in English"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)


class CodedName(models.Model):
    """A row of reference data shipped with Guanxi and edited by an administrator (lead
    sources, industries, roles): a stable `code` that seed data and code refer to, and a
    Chinese name with an optional English one, shown in the reader's language."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)

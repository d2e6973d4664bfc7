"""The front-desk register (ACQ-5, seed 003 §1: 来店/来电登记)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import Department, user_stamp
from guanxi.core.model_parts import optional_fk
from guanxi.core.scope import ScopedQuerySet
from guanxi.customers.models import Customer


class ReceptionQuerySet(ScopedQuerySet["Reception"]):
    """Entries in the data scope of the user who received the visitor and their department."""

    scope_owner_field = "received_by"


class Reception(models.Model):
    """One walk-in or inbound enquiry, logged in seconds by the front desk: when, how, what the
    visitor wants, who received them, a demo or test drive and how long it took. Linked to a
    customer once the visitor is one (existing, or created from the entry)."""

    class Channel(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in (来店)")
        PHONE = "phone", _("Inbound call (来电)")
        WEB = "web", _("Web enquiry")
        OTHER = "other", _("Other")

    at = models.DateTimeField(_("time"))
    channel = models.CharField(
        pgettext_lazy("front desk", "channel"), max_length=10, choices=Channel.choices
    )
    visitor_name = models.CharField(_("visitor"), max_length=50, blank=True)
    phone = models.CharField(pgettext_lazy("front desk", "phone"), max_length=20, blank=True)
    party_size = models.PositiveSmallIntegerField(_("people"), default=1)
    need = models.CharField(_("need"), max_length=300, blank=True)
    product_interest = models.CharField(_("product of interest"), max_length=120, blank=True)
    demo = models.BooleanField(_("demo / test drive"), default=False)
    demo_minutes = models.PositiveSmallIntegerField(_("demo minutes"), null=True, blank=True)
    stay_minutes = models.PositiveSmallIntegerField(_("stay minutes"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    received_by = user_stamp(pgettext_lazy("front desk", "received by"), db_index=False)
    department = optional_fk(Department, db_index=False)
    customer = optional_fk(Customer, _("customer"), related_name="receptions", db_index=False)
    # When the entry was linked to a customer that it created (the conversion ACQ-5 counts).
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True)
    created_by = user_stamp()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReceptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("front-desk entry")
        verbose_name_plural = _("front-desk register")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="reception_at_idx"),
            models.Index(fields=["received_by", "-at"], name="reception_user_idx"),
            models.Index(fields=["department", "-at"], name="reception_dept_idx"),
            models.Index(fields=["customer", "-at"], name="reception_customer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(demo_minutes__isnull=True) | Q(demo=True),
                name="reception_demo_minutes_need_demo",
            ),
            models.CheckConstraint(condition=Q(party_size__gte=1), name="reception_party"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_channel_display()} {self.visitor_name}"

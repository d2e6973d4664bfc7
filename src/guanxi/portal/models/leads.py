"""Web-to-lead forms (INTG-4): an embeddable form that brings a new customer in with its
source (网络表单) and campaign, assigned round-robin within a team or put into a public pool."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Department, User, user_fk
from guanxi.core.model_parts import optional_fk
from guanxi.customers.models import Customer
from guanxi.pipeline.models import PublicPool


def new_form_key() -> str:
    return secrets.token_urlsafe(12)


class LeadField(models.TextChoices):
    """The fields an admin may put on a form besides the name and the mobile (always there:
    they make a customer and its 查重 key)."""

    EMAIL = "email", _("E-mail")
    COMPANY = "company", _("Company")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    NEEDS = "needs", _("What are you interested in?")


class LeadForm(models.Model):
    name = models.CharField(_("name"), max_length=80)
    # the public address of the form: random, so forms cannot be counted or guessed
    key = models.CharField(max_length=24, unique=True, default=new_form_key, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    required = models.JSONField(_("required fields"), default=list, blank=True)
    campaign = models.CharField(_("campaign tag"), max_length=30, blank=True)
    department = optional_fk(Department, _("team (round-robin)"), on_delete=models.PROTECT)
    pool = optional_fk(PublicPool, _("public pool"), on_delete=models.PROTECT)
    # the round-robin cursor: the member who got the last lead
    last_assignee = optional_fk(User)
    # the sites that may show the form in a frame (CSP frame-ancestors); empty: any site
    allowed_origins = models.TextField(_("sites that may embed the form"), blank=True)
    thank_you = models.CharField(_("thank-you text"), max_length=300, blank=True)
    created_by = user_fk("+", on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("web form")
        verbose_name_plural = _("web forms")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False, pool__isnull=True)
                | Q(department__isnull=True, pool__isnull=False),
                name="leadform_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def origins(self) -> list[str]:
        return self.allowed_origins.split()


class LeadSubmission(models.Model):
    """What a form received and what became of it; also what the per-IP limit counts."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("New customer")
        KNOWN = "known", _("Known customer: follow-up added")
        SPAM = "spam", _("Spam (honeypot)")

    form = models.ForeignKey(
        LeadForm, on_delete=models.CASCADE, related_name="submissions", db_index=False
    )
    customer = optional_fk(Customer)
    assignee = optional_fk(User)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    utm = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("web form submission")
        verbose_name_plural = _("web form submissions")
        indexes = [
            models.Index(fields=["ip", "-created_at"], name="leadsub_ip_idx"),
            models.Index(fields=["form", "-id"], name="leadsub_form_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.form_id} {self.outcome}"

"""Customer sign-in to the portal (INTG-4): one-time codes and portal sessions.

Neither holds a secret in the clear: a code and a session token are kept as keyed digests
(HMAC with the site's secret key), so a copy of the database signs nobody in."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.core.model_parts import optional_fk
from guanxi.customers.models import Customer, customer_fk


class PortalCode(models.Model):
    """A one-time sign-in code asked for with a mobile number or an e-mail address.

    A request for an address no customer has is recorded too (without a customer and without
    a message), so the answer never tells whether the address is known and the rate limits
    count it."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    customer = optional_fk(
        Customer, on_delete=models.CASCADE, related_name="portal_codes", db_index=False
    )
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    # keyed digest of the normalised mobile or e-mail address the code was asked for
    identifier_digest = models.CharField(max_length=64)
    code_digest = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("portal sign-in code")
        verbose_name_plural = _("portal sign-in codes")
        indexes = [
            models.Index(fields=["identifier_digest", "-created_at"], name="portalcode_ident_idx"),
            models.Index(fields=["ip", "-created_at"], name="portalcode_ip_idx"),
            models.Index(fields=["customer", "-created_at"], name="portalcode_customer_idx"),
            models.Index(fields=["expires_at"], name="portalcode_expires_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.created_at:%Y-%m-%d %H:%M}"


class PortalSession(models.Model):
    """A customer's signed-in session: its own cookie, never the staff session."""

    customer = customer_fk("portal_sessions")
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("portal session")
        verbose_name_plural = _("portal sessions")
        indexes = [
            models.Index(
                fields=["customer"], name="portalsession_live_idx", condition=Q(ended_at=None)
            ),
            models.Index(fields=["expires_at"], name="portalsession_expires_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.created_at:%Y-%m-%d %H:%M}"

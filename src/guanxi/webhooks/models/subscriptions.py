"""Subscriptions, the allow-list of internal hosts and the outbox of deliveries (INTG-3, INTG-6).

A fired event writes one `Delivery` row per subscription that wants it, in the transaction of
the change that fired it (the outbox): the request pays one INSERT, the task worker does the
HTTP. The row is the delivery log too: its status, attempts, last answer and duration."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import User, user_fk
from guanxi.core.model_parts import optional_fk


class AllowedHost(models.Model):
    """A host an administrator allows although it resolves to a loopback, private or
    link-local address (an ERP on the office network, the demo's local receiver)."""

    host = models.CharField(_("host"), max_length=253, unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = optional_fk(User)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allowed internal host")
        verbose_name_plural = _("allowed internal hosts")
        ordering = ["host"]

    def __str__(self) -> str:
        return self.host


class Subscription(models.Model):
    class Kind(models.TextChoices):
        JSON = "json", _("Signed JSON webhook")
        WECOM = "wecom", _("企业微信 group robot")

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices, default=Kind.JSON)
    url = models.CharField(_("URL"), max_length=500)
    secret = models.CharField(max_length=64, editable=False)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    owner = user_fk("webhook_subscriptions", _("owner"), on_delete=models.PROTECT)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["active"], name="webhook_sub_active_idx")]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SUCCEEDED = "succeeded", pgettext_lazy("webhook", "Delivered")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    event = models.CharField(_("event"), max_length=40)
    event_id = models.UUIDField(default=uuid.uuid4)
    payload = models.JSONField()
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=80, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(
        pgettext_lazy("webhook", "delivered"), null=True, blank=True
    )
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        indexes = [
            # the worker's claim: due rows by time
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
            # the log of one subscription, newest first
            models.Index(fields=["subscription", "-id"], name="webhook_delivery_sub_idx"),
            models.Index(fields=["subscription", "status", "-id"], name="webhook_delivery_st_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id}"

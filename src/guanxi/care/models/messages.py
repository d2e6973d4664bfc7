"""Messages to customers and to users (CARE-4): templates, the send log, consent, in-app
notifications; and each user's calendar feed (CARE-5)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Department, User, user_fk
from guanxi.core.model_parts import optional_fk, scope_indexes
from guanxi.core.scope import ScopedQuerySet
from guanxi.customers.models import Customer, customer_fk


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    IN_APP = "in_app", _("In-app notification")


class Purpose(models.TextChoices):
    SERVICE = "service", _("Service message")
    MARKETING = "marketing", _("Marketing message")
    # a message the customer asked for this minute (a sign-in code): never held by quiet
    # hours, no marketing opt-in; queued only by code (docs/decisions.md "Transactional
    # messages")
    TRANSACTIONAL = "transactional", _("Transactional message")


# what a user may choose for a template or a message written by hand
STAFF_PURPOSES = (Purpose.SERVICE, Purpose.MARKETING)


class MessageTemplate(models.Model):
    """A message with variables (`{{ customer.surname }}`, `{{ sender.name }}` …), rendered in
    a sandbox that sees only whitelisted fields. Marketing templates need the customer's
    recorded opt-in (PIPL)."""

    code = models.SlugField(_("code"), max_length=40, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=80)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.SERVICE
    )
    subject = models.CharField(_("subject"), max_length=150, blank=True)
    body = models.TextField(_("text"), max_length=4000)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["channel", "name", "id"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="template_body")]

    def __str__(self) -> str:
        return self.name


class MessageQuerySet(ScopedQuerySet["Message"]):
    """The send log in the data scope of the customer's owner (when queued) and department."""


class Message(models.Model):
    """One message to one customer on one channel, and what became of it (the send log).
    `dedup_key` makes a repeated rule run or a retried request queue it once."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        # claimed by a worker (`claimed_by`); committed before the point of no return
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        DEFERRED = "deferred", _("Deferred")
        SUPPRESSED = "suppressed", _("Suppressed")

    customer = customer_fk("messages", db_index=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    template = optional_fk(MessageTemplate)
    recipient = models.CharField(_("to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=150, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    send_after = models.DateTimeField(_("not before"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    # `<host>:<pid>:<random>` of the worker that claimed the message; a claim of a dead worker
    # is taken back (messages.sending)
    claimed_by = models.CharField(max_length=80, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    dedup_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    # the subject and text here have their secret part (a sign-in code) masked; the real
    # text waits in a MessageSecret until it has been handed over
    masked = models.BooleanField(_("secret part masked"), default=False)
    sender = optional_fk(User)
    # who the customer belonged to when queued, for the data scope of the send log
    owner = optional_fk(User, db_index=False)
    department = optional_fk(Department, db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "send_after"], name="message_due_idx"),
            models.Index(fields=["customer", "-created_at"], name="message_customer_idx"),
            *scope_indexes("message", "-created_at"),
            models.Index(fields=["channel", "-sent_at"], name="message_channel_idx"),
            # a send run claims transactional messages first, past any backlog
            models.Index(
                fields=["purpose", "status", "send_after"], name="message_purpose_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}"


class MessageSecret(models.Model):
    """The real subject and text of a masked message, kept only until it is handed to the
    adapter (then erased with the batch), or until `expires_at` (what was said is then no
    use: a sign-in code has expired). Never shown, never in the API."""

    message = models.OneToOneField(
        Message, on_delete=models.CASCADE, primary_key=True, related_name="secret"
    )
    subject = models.CharField(max_length=150, blank=True)
    body = models.TextField()
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="message_secret_expiry_idx")]

    def __str__(self) -> str:
        return str(self.message_id)


class MessageEvent(models.Model):
    """One line of a message's send log: each change of its status, with the reason (the
    consent that was missing, the SMTP answer, the end of the quiet hours)."""

    # indexed by (message, at) below (message_event_idx)
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    status = models.CharField(_("status"), max_length=10, choices=Message.Status.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("send log entry")
        verbose_name_plural = _("send log entries")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["message", "at"], name="message_event_idx")]

    def __str__(self) -> str:
        return f"{self.message_id} {self.status}"


class ContactPreference(models.Model):
    """What a customer agreed to (PIPL): marketing needs a recorded opt-in per channel; service
    messages go unless the customer is on do-not-disturb or unsubscribed from the channel.
    Quiet hours are local time (default 21:00–08:00): a message due inside them is deferred."""

    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="contact_preference",
    )
    marketing_sms = models.BooleanField(_("marketing SMS allowed"), default=False)
    marketing_email = models.BooleanField(_("marketing e-mail allowed"), default=False)
    do_not_disturb = models.BooleanField(_("do not disturb"), default=False)
    sms_unsubscribed_at = models.DateTimeField(_("unsubscribed from SMS"), null=True, blank=True)
    email_unsubscribed_at = models.DateTimeField(
        _("unsubscribed from e-mail"), null=True, blank=True
    )
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")

    def __str__(self) -> str:
        return str(self.customer_id)


class ConsentEvent(models.Model):
    """The record of each consent given or withdrawn, how and by whom (PIPL evidence)."""

    class Source(models.TextChoices):
        STAFF = "staff", _("Recorded by staff")
        UNSUBSCRIBE_LINK = "link", _("Unsubscribe link")
        SMS_REPLY = "sms_reply", _("SMS reply")
        API = "api", _("API")
        IMPORT = "import", _("Import")

    customer = customer_fk("consent_events", db_index=False)
    field = models.CharField(max_length=30)
    value = models.BooleanField()
    source = models.CharField(max_length=10, choices=Source.choices)
    actor = optional_fk(User)
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "-at"], name="consent_customer_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.field}={self.value}"


class Notification(models.Model):
    """An in-app notification to a user (the bell in the navbar)."""

    user = user_fk("notifications", db_index=False)
    title = models.CharField(_("title"), max_length=200)
    body = models.CharField(_("text"), max_length=1000, blank=True)
    url = models.CharField(max_length=300, blank=True)
    customer = optional_fk(Customer, on_delete=models.CASCADE)
    dedup_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_idx")
        ]

    def __str__(self) -> str:
        return self.title


class CalendarFeed(models.Model):
    """A user's secret iCalendar URL (CARE-5). Only a hash of the token is kept; revoking
    stamps `revoked_at` and the URL answers 404 from then on."""

    user = user_fk("calendar_feeds", db_index=False)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="calfeed_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"

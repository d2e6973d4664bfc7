"""Writes of messages and notifications (CARE-4). Other areas queue a customer message only
through `message_queue` and notify a user only through `notification_create`.

Templates, consents (with their ConsentEvent evidence), unsubscribing by link and by SMS
reply, sending by hand and marking notifications read live here too; the sending itself is
the task worker's (messages.sending)."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.care.common import permissions
from guanxi.care.messages import tasks
from guanxi.care.messages.sandbox import template_problems
from guanxi.care.models import (
    STAFF_PURPOSES,
    Channel,
    ConsentEvent,
    ContactPreference,
    Message,
    MessageEvent,
    MessageSecret,
    MessageTemplate,
    Notification,
    Purpose,
)
from guanxi.core.audit import audit_record
from guanxi.core.errors import PermissionDenied, ValidationFailed, found
from guanxi.core.phones import normalize_phone
from guanxi.customers.models import Customer


@dataclass(frozen=True)
class MessageNew:
    customer: Customer
    # a template, or (template None) a text of its own on `channel`
    template: MessageTemplate | None
    send_after: dt.datetime | None = None
    sender: User | None = None
    # the same key never queues a second message (a repeated rule run, a retried request)
    dedup_key: str | None = None
    channel: str = ""
    purpose: str = Purpose.SERVICE
    subject: str = ""
    body: str = ""
    # transactional only: the part of subject/body never to be stored in the send log (a
    # sign-in code); the log keeps the text with it masked, the real text waits in a
    # MessageSecret until it is handed over or `secret_ttl` has passed
    secret: str = ""
    secret_ttl: dt.timedelta = dt.timedelta(minutes=10)


MASK = "******"


def _masked(text: str, secret: str) -> str:
    return text.replace(secret, MASK) if secret else text


def _message_fields(new: MessageNew) -> dict[str, str]:
    if new.template is not None:
        return {
            "channel": new.template.channel,
            "purpose": new.template.purpose,
            "subject": new.template.subject,
            "body": new.template.body,
        }
    errors: dict[str, list[str]] = {}
    if new.channel not in Channel.values:
        errors["channel"] = [_("Choose a channel.")]
    if new.purpose not in Purpose.values:
        errors["purpose"] = [_("Choose a purpose.")]
    if not new.body.strip():
        errors["body"] = [_("Write the text of the message.")]
    elif len(new.body) > 4000:
        errors["body"] = [_("At most 4,000 characters.")]
    else:
        problems = template_problems(new.body)
        if problems:
            errors["body"] = problems
    subject_problems = template_problems(new.subject)
    if subject_problems:
        errors["subject"] = subject_problems
    elif len(new.subject) > 150:
        errors["subject"] = [_("At most 150 characters.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {
        "channel": new.channel,
        "purpose": new.purpose,
        "subject": new.subject.strip(),
        "body": new.body,
    }


def message_queue(*, new: MessageNew) -> Message:
    """The message as queued (or the one queued before under the same key). Rendering, consent
    and quiet hours are decided when it is sent, so a later withdrawal still holds."""
    if new.dedup_key:
        queued: Message | None = Message.objects.filter(dedup_key=new.dedup_key).first()
        if queued is not None:
            return queued
    customer = new.customer
    fields = _message_fields(new)
    if fields["purpose"] == Purpose.TRANSACTIONAL and fields["channel"] == Channel.IN_APP:
        # an in-app message goes to the consultant, never to the customer who asked
        raise ValueError("a transactional message goes to the customer (SMS or e-mail)")
    if new.secret and (
        fields["purpose"] != Purpose.TRANSACTIONAL
        or new.secret not in fields["body"]
        or len(new.secret) < 4
    ):
        raise ValueError("a secret belongs to a transactional message's text")
    real_subject, real_body = fields["subject"], fields["body"]
    fields["subject"] = _masked(real_subject, new.secret)
    fields["body"] = _masked(real_body, new.secret)
    now = timezone.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                customer=customer,
                template=new.template,
                send_after=new.send_after or now,
                sender=new.sender,
                owner_id=customer.owner_id,
                department_id=customer.department_id,
                dedup_key=new.dedup_key or None,
                masked=bool(new.secret),
                **fields,
            )
            if new.secret:
                MessageSecret.objects.create(
                    message=message,
                    subject=real_subject,
                    body=real_body,
                    expires_at=now + new.secret_ttl,
                )
            MessageEvent.objects.create(message=message, status=Message.Status.QUEUED)
            tasks.messages_send_soon()
            return message
    except IntegrityError:
        if new.dedup_key:
            return Message.objects.get(dedup_key=new.dedup_key)
        raise


def message_send_by_hand(
    *,
    actor: User,
    customer: Customer,
    template: MessageTemplate | None,
    channel: str = "",
    purpose: str = Purpose.SERVICE,
    subject: str = "",
    body: str = "",
) -> Message:
    """A message a user writes (or picks) on the customer's page; it goes through the same
    queue, consent and quiet hours as every other."""
    if not user_can(user=actor, permission=permissions.SEND):
        raise PermissionDenied()
    found(Customer.objects.visible_to(actor).filter(pk=customer.pk).first())
    if template is not None and not template.active:
        raise ValidationFailed(field_errors={"template": [_("This template is switched off.")]})
    if purpose not in STAFF_PURPOSES or (
        template is not None and template.purpose not in STAFF_PURPOSES
    ):
        # transactional messages answer a customer's own request and are queued by code
        raise ValidationFailed(field_errors={"purpose": [_("Choose a purpose.")]})
    return message_queue(
        new=MessageNew(
            customer=customer,
            template=template,
            sender=actor,
            channel=channel,
            purpose=purpose,
            subject=subject,
            body=body,
        )
    )


# ---------------------------------------------------------------- templates


@dataclass(frozen=True)
class TemplateData:
    name: str
    channel: str
    purpose: str
    subject: str
    body: str
    active: bool = True
    code: str = ""


_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")


def _template_errors(data: TemplateData, *, instance_id: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = [_("Give the template a name.")]
    elif len(data.name.strip()) > 80:
        errors["name"] = [_("At most 80 characters.")]
    if data.code and (len(data.code) > 40 or not _CODE.match(data.code)):
        errors["code"] = [_("Letters, digits, - and _ only, at most 40.")]
    elif (
        data.code
        and MessageTemplate.objects.filter(code=data.code).exclude(pk=instance_id or 0).exists()
    ):
        errors["code"] = [_("Another template has this code.")]
    if data.channel not in Channel.values:
        errors["channel"] = [_("Choose a channel.")]
    if data.purpose not in STAFF_PURPOSES:
        errors["purpose"] = [_("Choose a purpose.")]
    if len(data.subject) > 150:
        errors["subject"] = [_("At most 150 characters.")]
    elif problems := template_problems(data.subject):
        errors["subject"] = problems
    if not data.body.strip():
        errors["body"] = [_("Write the text of the message.")]
    elif len(data.body) > 4000:
        errors["body"] = [_("At most 4,000 characters.")]
    elif problems := template_problems(data.body):
        errors["body"] = problems
    return errors


def template_save(
    *, actor: User, data: TemplateData, template: MessageTemplate | None = None
) -> MessageTemplate:
    """A new template, or `template` changed. A variable outside the sandbox's list, a tag or
    an unclosed brace is a field error and nothing is saved."""
    if not user_can(user=actor, permission=permissions.MANAGE_TEMPLATES):
        raise PermissionDenied()
    errors = _template_errors(data, instance_id=template.pk if template else None)
    if errors:
        raise ValidationFailed(field_errors=errors)
    with transaction.atomic():
        target = template or MessageTemplate()
        before = {
            "name": target.name,
            "subject": target.subject,
            "body": target.body,
            "active": target.active,
        }
        target.name = data.name.strip()
        target.code = data.code or None
        target.channel = data.channel
        target.purpose = data.purpose
        target.subject = data.subject.strip()
        target.body = data.body
        target.active = data.active
        target.save()
        after = {
            "name": target.name,
            "subject": target.subject,
            "body": target.body,
            "active": target.active,
        }
        audit_record(
            actor=actor,
            action="care.template_update",
            target=target,
            summary=target.name,
            changes={k: (before[k], after[k]) for k in after if before[k] != after[k]},
        )
    return target


# ---------------------------------------------------------------- consent


@dataclass(frozen=True)
class ConsentState:
    """A customer's whole contact preference, as a form or PUT sends it."""

    marketing_sms: bool = False
    marketing_email: bool = False
    do_not_disturb: bool = False
    sms_unsubscribed: bool = False
    email_unsubscribed: bool = False
    quiet_from: dt.time | None = None
    quiet_until: dt.time | None = None
    # how the customer agreed (the evidence PIPL asks for); required for a new opt-in
    note: str = ""
    changed: list[str] = field(default_factory=list)


def contact_preference_of(customer: Customer) -> ContactPreference:
    """The stored preference, or the defaults (nothing stored is written by reading)."""
    pref = ContactPreference.objects.filter(customer=customer).first()
    return pref or ContactPreference(customer=customer)


def consent_state(pref: ContactPreference) -> ConsentState:
    return ConsentState(
        marketing_sms=pref.marketing_sms,
        marketing_email=pref.marketing_email,
        do_not_disturb=pref.do_not_disturb,
        sms_unsubscribed=pref.sms_unsubscribed_at is not None,
        email_unsubscribed=pref.email_unsubscribed_at is not None,
        quiet_from=pref.quiet_from,
        quiet_until=pref.quiet_until,
    )


def _consent_errors(state: ConsentState, *, before: ConsentState) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if (state.quiet_from is None) != (state.quiet_until is None):
        errors["quiet_until" if state.quiet_until is None else "quiet_from"] = [
            _("Give both ends of the quiet hours, or neither.")
        ]
    elif state.quiet_from is not None and state.quiet_from == state.quiet_until:
        errors["quiet_until"] = [_("The quiet hours must end at another time than they start.")]
    if state.marketing_sms and state.sms_unsubscribed:
        errors["marketing_sms"] = [_("The customer unsubscribed from SMS.")]
    if state.marketing_email and state.email_unsubscribed:
        errors["marketing_email"] = [_("The customer unsubscribed from e-mail.")]
    new_opt_in = (state.marketing_sms and not before.marketing_sms) or (
        state.marketing_email and not before.marketing_email
    )
    if new_opt_in and not state.note.strip():
        errors["note"] = [_("Say how the customer agreed (the evidence of the opt-in).")]
    if len(state.note) > 200:
        errors["note"] = [_("At most 200 characters.")]
    return errors


def _consent_event(
    *,
    customer: Customer,
    name: str,
    new: object,
    state: ConsentState,
    source: str,
    actor: User | None,
) -> ConsentEvent:
    if name.startswith("quiet_"):
        value = new is not None
        note = f"{name}={new:%H:%M}" if isinstance(new, dt.time) else ""
    else:
        value = bool(new)
        note = state.note.strip()
    return ConsentEvent(
        customer=customer, field=name, value=value, source=source, actor=actor, note=note[:200]
    )


def contact_preference_set(
    *,
    actor: User | None,
    customer: Customer,
    state: ConsentState,
    source: str = ConsentEvent.Source.STAFF,
) -> ContactPreference:
    """Store the customer's preference; every changed consent gets its ConsentEvent (who,
    how, when, the note). Staff need care.consent and the customer in their scope."""
    if actor is not None:
        if not user_can(user=actor, permission=permissions.CONSENT):
            raise PermissionDenied()
        found(Customer.objects.visible_to(actor).filter(pk=customer.pk).first())
    with transaction.atomic():
        pref = ContactPreference.objects.select_for_update().filter(
            customer=customer
        ).first() or ContactPreference(customer=customer)
        before = consent_state(pref)
        errors = _consent_errors(state, before=before)
        if errors:
            raise ValidationFailed(field_errors=errors)
        now = timezone.now()
        changes: dict[str, tuple[object, object]] = {}
        for name in (
            "marketing_sms",
            "marketing_email",
            "do_not_disturb",
            "sms_unsubscribed",
            "email_unsubscribed",
            "quiet_from",
            "quiet_until",
        ):
            old, new = getattr(before, name), getattr(state, name)
            if old != new:
                changes[name] = (old, new)
        pref.marketing_sms = state.marketing_sms
        pref.marketing_email = state.marketing_email
        pref.do_not_disturb = state.do_not_disturb
        if state.sms_unsubscribed != before.sms_unsubscribed:
            pref.sms_unsubscribed_at = now if state.sms_unsubscribed else None
        if state.email_unsubscribed != before.email_unsubscribed:
            pref.email_unsubscribed_at = now if state.email_unsubscribed else None
        pref.quiet_from = state.quiet_from
        pref.quiet_until = state.quiet_until
        pref.save()
        ConsentEvent.objects.bulk_create(
            [
                _consent_event(
                    customer=customer, name=name, new=new, state=state, source=source, actor=actor
                )
                for name, (_old, new) in changes.items()
            ]
        )
        if changes and actor is not None:
            audit_record(
                actor=actor,
                action="care.consent",
                target=customer,
                summary=customer.name,
                changes={k: (str(a), str(b)) for k, (a, b) in changes.items()},
            )
    return pref


def channel_unsubscribe(*, customer: Customer, channel: str, source: str, note: str = "") -> bool:
    """The customer asked to hear nothing more on `channel` (the link in an e-mail, an SMS
    reply). True when this changed anything; a second request changes nothing."""
    if channel not in (Channel.EMAIL, Channel.SMS):
        return False
    with transaction.atomic():
        pref = ContactPreference.objects.select_for_update().filter(customer=customer).first()
        if pref is None:
            try:
                with transaction.atomic():
                    pref = ContactPreference.objects.create(customer=customer)
            except IntegrityError:
                pref = ContactPreference.objects.select_for_update().get(customer=customer)
        column = f"{channel}_unsubscribed_at"
        if getattr(pref, column) is not None:
            return False
        setattr(pref, column, timezone.now())
        pref.save(update_fields=[column, "updated_at"])
        ConsentEvent.objects.create(
            customer=customer,
            field=f"{channel}_unsubscribed",
            value=True,
            source=source,
            note=note[:200],
        )
    return True


# Replies that unsubscribe, compared after NFKC, upper-casing and removing spaces and
# punctuation: TD/退订 are what Chinese operators' SMS rules print under every marketing
# text ("回T退订", "拒收请回复R"); T, N, R, 退, 取消, 拒收 and STOP are the short forms people
# actually send back. A reply with more words is not read as one (it may be a question).
UNSUBSCRIBE_WORDS = frozenset(
    {"TD", "T", "N", "R", "退订", "退", "退定", "取消", "拒收", "STOP", "UNSUBSCRIBE", "QXTD"}
)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def is_unsubscribe_reply(text: str) -> bool:
    normal = _NOISE.sub("", unicodedata.normalize("NFKC", text or "")).upper()
    return normal in UNSUBSCRIBE_WORDS


def sms_reply_handle(*, phone: str, text: str) -> int:
    """An SMS reply from `phone`: "TD", "退订" … unsubscribes every customer with that mobile
    from SMS. The number of customers unsubscribed (0 for any other reply)."""
    if not is_unsubscribe_reply(text):
        return 0
    try:
        mobile = normalize_phone(phone)
    except ValidationError:
        return 0
    if not mobile:
        return 0
    count = 0
    for customer in Customer.objects.filter(mobile=mobile, deleted_at__isnull=True):
        if channel_unsubscribe(
            customer=customer,
            channel=Channel.SMS,
            source=ConsentEvent.Source.SMS_REPLY,
            note=text[:100],
        ):
            count += 1
    return count


def preferences_merge(*, primary: Customer, duplicate: Customer) -> None:
    """customers.hooks.merge_extensions: the merged customer keeps the stricter of the two
    preferences (an opt-in only where both agreed, do-not-disturb and unsubscriptions of
    either, the primary's quiet hours else the duplicate's). The consent events move with
    the generic foreign-key move; a note records the merge."""
    keep = ContactPreference.objects.filter(customer=primary).first()
    drop = ContactPreference.objects.filter(customer=duplicate).first()
    if drop is None:
        return
    if keep is None:
        keep = ContactPreference(customer=primary)
        # no record for the primary: nothing was agreed for it, so no opt-in carries over
        keep.marketing_sms = keep.marketing_email = False
        keep.do_not_disturb = drop.do_not_disturb
        keep.sms_unsubscribed_at = drop.sms_unsubscribed_at
        keep.email_unsubscribed_at = drop.email_unsubscribed_at
        keep.quiet_from, keep.quiet_until = drop.quiet_from, drop.quiet_until
    else:
        keep.marketing_sms = keep.marketing_sms and drop.marketing_sms
        keep.marketing_email = keep.marketing_email and drop.marketing_email
        keep.do_not_disturb = keep.do_not_disturb or drop.do_not_disturb
        for column in ("sms_unsubscribed_at", "email_unsubscribed_at"):
            stamps = [s for s in (getattr(keep, column), getattr(drop, column)) if s]
            setattr(keep, column, min(stamps) if stamps else None)
        if keep.quiet_from is None:
            keep.quiet_from, keep.quiet_until = drop.quiet_from, drop.quiet_until
    keep.save()
    ConsentEvent.objects.filter(customer=duplicate).update(customer=primary)
    ConsentEvent.objects.create(
        customer=primary,
        field="merge",
        value=True,
        source=ConsentEvent.Source.IMPORT,
        note=f"merged with {duplicate.pk}",
    )
    drop.delete()


# ---------------------------------------------------------------- notifications


def notification_create(
    *,
    user: User,
    title: str,
    body: str = "",
    url: str = "",
    customer: Customer | None = None,
    dedup_key: str | None = None,
) -> Notification:
    if dedup_key:
        notification, _created = Notification.objects.get_or_create(
            dedup_key=dedup_key,
            defaults={
                "user": user,
                "title": title[:200],
                "body": body[:1000],
                "url": url,
                "customer": customer,
            },
        )
        return notification
    return Notification.objects.create(
        user=user, title=title[:200], body=body[:1000], url=url, customer=customer
    )


@dataclass(frozen=True)
class NewNotification:
    """One notification of `notifications_create_many`."""

    user_id: int
    title: str
    body: str = ""
    url: str = ""
    customer_id: int | None = None
    dedup_key: str | None = None


def notifications_create_many(rows: list[NewNotification]) -> None:
    """Many notifications in bulk INSERTs (a scheduled run's thousands); a row whose
    `dedup_key` exists already is skipped, as `notification_create` keeps the first."""
    if not rows:
        return
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=row.user_id,
                title=row.title[:200],
                body=row.body[:1000],
                url=row.url,
                customer_id=row.customer_id,
                dedup_key=row.dedup_key,
            )
            for row in rows
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's notifications `ids` (all unread ones when None) read; how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())

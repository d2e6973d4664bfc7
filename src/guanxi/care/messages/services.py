"""Writes of messages and notifications (CARE-4). Other areas queue a customer message only
through `message_queue` and notify a user only through `notification_create`."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.care.models import Message, MessageTemplate, Notification
from guanxi.customers.models import Customer


@dataclass(frozen=True)
class MessageNew:
    customer: Customer
    template: MessageTemplate
    send_after: dt.datetime | None = None
    sender: User | None = None
    # the same key never queues a second message (a repeated rule run, a retried request)
    dedup_key: str | None = None


def message_queue(*, new: MessageNew) -> Message:
    """The message as queued (or the one queued before under the same key). Rendering, consent
    and quiet hours are decided when it is sent, so a later withdrawal still holds."""
    if new.dedup_key:
        queued: Message | None = Message.objects.filter(dedup_key=new.dedup_key).first()
        if queued is not None:
            return queued
    customer = new.customer
    try:
        with transaction.atomic():
            return Message.objects.create(
                customer=customer,
                channel=new.template.channel,
                purpose=new.template.purpose,
                template=new.template,
                subject=new.template.subject,
                body=new.template.body,
                send_after=new.send_after or timezone.now(),
                sender=new.sender,
                owner_id=customer.owner_id,
                department_id=customer.department_id,
                dedup_key=new.dedup_key or None,
            )
    except IntegrityError:
        if new.dedup_key:
            return Message.objects.get(dedup_key=new.dedup_key)
        raise


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

"""Reads of messages, templates, consents and notifications (CARE-4). The send log is in the
data scope of the customer's owner and department when the message was queued."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.care.models import (
    Channel,
    ConsentEvent,
    Message,
    MessageEvent,
    MessageTemplate,
    Notification,
)
from guanxi.core.errors import found, invalid_field
from guanxi.core.pagination import Page, page_by_id
from guanxi.core.querysets import filter_given
from guanxi.customers.models import Customer


@dataclass(frozen=True)
class MessageFilters:
    status: str = ""
    channel: str = ""
    customer_id: int | None = None

    def __post_init__(self) -> None:
        if self.status and self.status not in Message.Status.values:
            raise invalid_field("status", _("Unknown status."))
        if self.channel and self.channel not in Channel.values:
            raise invalid_field("channel", _("Unknown channel."))


def messages_visible(*, user: User) -> QuerySet[Message]:
    return Message.objects.visible_to(user).select_related("customer", "sender", "template")


def message_page(
    *, user: User, filters: MessageFilters, cursor: str = "", limit: int = 25
) -> Page[Message]:
    rows = filter_given(
        messages_visible(user=user),
        status=filters.status,
        channel=filters.channel,
        customer_id=filters.customer_id,
    )
    return page_by_id(rows.order_by("-id"), cursor=cursor, limit=limit)


def message_for_user(*, user: User, message_id: int) -> Message:
    return found(messages_visible(user=user).filter(pk=message_id).first())


def message_events(*, message: Message) -> list[MessageEvent]:
    return list(MessageEvent.objects.filter(message=message).order_by("at", "id"))


def customer_messages(*, user: User, customer: Customer, limit: int = 10) -> list[Message]:
    return list(messages_visible(user=user).filter(customer=customer).order_by("-id")[:limit])


def templates_active(*, channel: str = "") -> QuerySet[MessageTemplate]:
    rows = MessageTemplate.objects.filter(active=True)
    return rows.filter(channel=channel) if channel else rows


def template_page(*, cursor: str = "", limit: int = 50) -> Page[MessageTemplate]:
    return page_by_id(MessageTemplate.objects.order_by("-id"), cursor=cursor, limit=limit)


def consent_events(*, customer: Customer, limit: int = 20) -> list[ConsentEvent]:
    return list(
        ConsentEvent.objects.filter(customer=customer)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )


def notification_page(
    *, user: User, unread_only: bool = False, cursor: str = "", limit: int = 25
) -> Page[Notification]:
    rows = Notification.objects.filter(user=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return page_by_id(rows.order_by("-id"), cursor=cursor, limit=limit)


def unread_count(*, user: User, cap: int) -> int:
    """Counted over the (user, read_at) index, and no further than `cap`."""
    return Notification.objects.filter(user=user, read_at__isnull=True)[:cap].count()

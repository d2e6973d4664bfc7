"""/api/v1 for messages and their send log, sending by hand, message templates, customers'
consents and the caller's notifications (CARE-4). Scoped like the pages: a message or a
customer outside the caller's scope answers 404; bad input answers 422 with field errors."""

from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.accounts.selectors import user_can
from guanxi.care.common import permissions
from guanxi.care.messages import selectors, services
from guanxi.care.messages.consent import reason_text
from guanxi.care.messages.schemas import (
    ConsentIn,
    ConsentOut,
    MessageOut,
    MessagePageOut,
    MessageSendIn,
    NotificationPageOut,
    NotificationReadIn,
    NotificationReadOut,
    TemplateOut,
    TemplatePageOut,
)
from guanxi.care.models import Message, MessageTemplate
from guanxi.core.api_endpoints import referenced
from guanxi.core.errors import PermissionDenied, ValidationFailed, found
from guanxi.core.pagination import MAX_ID
from guanxi.core.schemas import PageQuery
from guanxi.customers.models import Customer

router = Router(tags=["messages"])


class MessageQuery(PageQuery):
    status: str = ""
    channel: str = ""
    customer: int | None = None


def _message_out(message: Message, *, events: bool = False) -> dict[str, Any]:
    out = {
        "id": message.pk,
        "customer": message.customer,
        "channel": message.channel,
        "purpose": message.purpose,
        "template_id": message.template_id,
        "recipient": message.recipient,
        "subject": message.subject,
        "body": message.body,
        "status": message.status,
        "reason": message.reason,
        "reason_text": reason_text(message.reason) if message.reason else "",
        "attempts": message.attempts,
        "send_after": message.send_after,
        "sent_at": message.sent_at,
        "sender": message.sender,
        "created_at": message.created_at,
    }
    if events:
        out["events"] = [
            {
                "status": event.status,
                "reason": event.reason,
                "reason_text": reason_text(event.reason) if event.reason else "",
                "at": event.at,
            }
            for event in selectors.message_events(message=message)
        ]
    return out


@router.get("/messages", response=MessagePageOut, summary="The send log, newest first")
def message_list(request: Any, query: Query[MessageQuery]) -> dict[str, Any]:
    customer_id = query.customer
    if customer_id is not None and not 1 <= customer_id <= MAX_ID:
        raise ValidationFailed(field_errors={"customer": [_("Unknown customer.")]})
    page = selectors.message_page(
        user=request.auth,
        filters=selectors.MessageFilters(
            status=query.status, channel=query.channel, customer_id=customer_id
        ),
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": [_message_out(m) for m in page.items], "next_cursor": page.next_cursor}


@router.get("/messages/{int:message_id}", response=MessageOut, summary="A message and its log")
def message_get(request: Any, message_id: int) -> dict[str, Any]:
    message = selectors.message_for_user(user=request.auth, message_id=message_id)
    return _message_out(message, events=True)


@router.post(
    "/messages",
    response={201: MessageOut},
    summary="Send a message by hand (queued; consent and quiet hours apply)",
)
def message_send(request: Any, payload: MessageSendIn) -> Status[dict[str, Any]]:
    # a customer named in the body: an unknown or unseen one is a bad field, not a 404
    customer = Customer.objects.visible_to(request.auth).filter(pk=payload.customer_id).first()
    if customer is None:
        raise ValidationFailed(field_errors={"customer_id": [_("Unknown customer.")]})
    template = referenced(
        MessageTemplate.objects,
        payload.template_id,
        field="template_id",
        message=_("Unknown template."),
    )
    message = services.message_send_by_hand(
        actor=request.auth,
        customer=customer,
        template=template,
        **payload.model_dump(exclude={"customer_id", "template_id"}),
    )
    message = selectors.message_for_user(user=request.auth, message_id=message.pk)
    return Status(201, _message_out(message, events=True))


# ---------------------------------------------------------------- templates


def _templates_allowed(user: Any) -> None:
    if not (
        user_can(user=user, permission=permissions.MANAGE_TEMPLATES)
        or user_can(user=user, permission=permissions.SEND)
    ):
        raise PermissionDenied()


@router.get("/message-templates", response=TemplatePageOut, summary="Message templates")
def template_list(request: Any, query: Query[PageQuery]) -> dict[str, Any]:
    _templates_allowed(request.auth)
    page = selectors.template_page(cursor=query.cursor, limit=query.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get(
    "/message-templates/{int:template_id}", response=TemplateOut, summary="A message template"
)
def template_get(request: Any, template_id: int) -> MessageTemplate:
    _templates_allowed(request.auth)
    return found(MessageTemplate.objects.filter(pk=template_id).first())


# ---------------------------------------------------------------- consents


def _consent_out(customer: Customer) -> dict[str, Any]:
    pref = services.contact_preference_of(customer)
    return {
        "customer_id": customer.pk,
        "marketing_sms": pref.marketing_sms,
        "marketing_email": pref.marketing_email,
        "do_not_disturb": pref.do_not_disturb,
        "sms_unsubscribed_at": pref.sms_unsubscribed_at,
        "email_unsubscribed_at": pref.email_unsubscribed_at,
        "quiet_from": pref.quiet_from,
        "quiet_until": pref.quiet_until,
        "events": selectors.consent_events(customer=customer),
    }


@router.get(
    "/customers/{int:customer_id}/consent",
    response=ConsentOut,
    summary="A customer's consents, do-not-disturb and quiet hours, with the evidence",
)
def consent_get(request: Any, customer_id: int) -> dict[str, Any]:
    customer = found(Customer.objects.visible_to(request.auth).filter(pk=customer_id).first())
    return _consent_out(customer)


@router.put(
    "/customers/{int:customer_id}/consent",
    response=ConsentOut,
    summary="Record a customer's consents (the whole state; a new opt-in needs a note)",
)
def consent_put(request: Any, customer_id: int, payload: ConsentIn) -> dict[str, Any]:
    customer = found(Customer.objects.visible_to(request.auth).filter(pk=customer_id).first())
    services.contact_preference_set(
        actor=request.auth,
        customer=customer,
        state=services.ConsentState(**payload.model_dump()),
        source="api",
    )
    return _consent_out(customer)


# ---------------------------------------------------------------- notifications


class NotificationQuery(PageQuery):
    unread: bool = False


@router.get("/notifications", response=NotificationPageOut, summary="The caller's notifications")
def notification_list(request: Any, query: Query[NotificationQuery]) -> dict[str, Any]:
    page = selectors.notification_page(
        user=request.auth, unread_only=query.unread, cursor=query.cursor, limit=query.limit
    )
    return {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "unread": selectors.unread_count(user=request.auth, cap=1000),
    }


@router.post(
    "/notifications/read",
    response=NotificationReadOut,
    summary="Mark notifications read (`ids`; all unread ones without)",
)
def notification_read(request: Any, payload: NotificationReadIn) -> dict[str, Any]:
    return {"marked": services.notifications_mark_read(user=request.auth, ids=payload.ids)}

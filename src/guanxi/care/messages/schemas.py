"""API schemas of messages, templates, consents and notifications (CARE-4)."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from guanxi.care.models import STAFF_PURPOSES, Channel, Purpose
from guanxi.core.schemas import Boolean, Id, Input, RefOf, Text, choices


class MessageEventOut(Schema):
    status: str
    reason: str
    reason_text: str
    at: dt.datetime


class MessageOut(Schema):
    id: int
    customer: RefOf
    channel: str
    purpose: str
    template_id: int | None
    recipient: str
    subject: str
    body: str
    status: str
    reason: str
    reason_text: str
    attempts: int
    send_after: dt.datetime
    sent_at: dt.datetime | None
    sender: RefOf | None
    created_at: dt.datetime
    events: list[MessageEventOut] | None = None


class MessagePageOut(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class MessageSendIn(Input):
    customer_id: Id
    template_id: Id | None = None
    channel: Annotated[
        str, Field(max_length=10, json_schema_extra=choices([Channel.SMS, Channel.EMAIL]))
    ] = ""
    purpose: Annotated[
        str, Field(max_length=16, json_schema_extra=choices(list(STAFF_PURPOSES)))
    ] = Purpose.SERVICE
    subject: Annotated[Text, Field(max_length=150)] = ""
    body: Annotated[Text, Field(max_length=4000)] = ""


class TemplateOut(Schema):
    id: int
    code: str | None
    name: str
    channel: str
    purpose: str
    subject: str
    body: str
    active: bool
    updated_at: dt.datetime


class TemplatePageOut(Schema):
    items: list[TemplateOut]
    next_cursor: str | None


class ConsentIn(Input):
    marketing_sms: Boolean = False
    marketing_email: Boolean = False
    do_not_disturb: Boolean = False
    sms_unsubscribed: Boolean = False
    email_unsubscribed: Boolean = False
    quiet_from: dt.time | None = None
    quiet_until: dt.time | None = None
    note: Annotated[Text, Field(max_length=300)] = ""


class ConsentEventOut(Schema):
    field: str
    value: bool
    source: str
    actor: RefOf | None
    note: str
    at: dt.datetime


class ConsentOut(Schema):
    customer_id: int
    marketing_sms: bool
    marketing_email: bool
    do_not_disturb: bool
    sms_unsubscribed_at: dt.datetime | None
    email_unsubscribed_at: dt.datetime | None
    quiet_from: dt.time | None
    quiet_until: dt.time | None
    events: list[ConsentEventOut]


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    customer_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int


class NotificationReadIn(Input):
    ids: Annotated[list[Id], Field(max_length=100)] | None = None


class NotificationReadOut(Schema):
    marked: int

"""API schemas of webhook subscriptions and deliveries."""

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from guanxi.core.schemas import Input, PageQuery


class SubscriptionIn(Input):
    name: str = Field(..., max_length=80)
    kind: str = Field(
        "json", description="json (signed JSON webhook) or wecom (企业微信 group robot)"
    )
    url: str = Field(..., max_length=500)
    events: list[str] = Field(..., description="event names, see GET /webhooks/events")
    active: bool = True


class SubscriptionOut(Schema):
    id: int
    name: str
    kind: str
    url: str
    events: list[str]
    active: bool
    consecutive_failures: int
    disabled_at: dt.datetime | None
    disabled_reason: str
    owner_id: int
    created_at: dt.datetime
    secret: str = Field(..., description="the HMAC-SHA256 signing secret (json subscriptions)")


class SubscriptionListOut(Schema):
    items: list[SubscriptionOut]


class WebhookDeliveryOut(Schema):
    id: int
    subscription_id: int
    event: str
    event_id: UUID
    status: str
    attempts: int
    response_code: int | None
    duration_ms: int | None
    error: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    last_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    redelivery_of_id: int | None


class DeliveryDetailOut(WebhookDeliveryOut):
    payload: dict[str, Any] = Field(..., description="the request body's envelope as sent")


class DeliveryPageOut(Schema):
    items: list[WebhookDeliveryOut]
    next_cursor: str | None


class DeliveryQuery(PageQuery):
    subscription: int | None = None
    status: str = ""


class WebhookEventOut(Schema):
    name: str
    label: str
    group: str

"""/api/v1 for webhook subscriptions and their delivery log (INTG-3, issue 16 §8): webhooks.manage
only (403 otherwise); bad input answers 422 with field errors, an unknown id 404."""

import json
from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.errors import ValidationFailed
from guanxi.core.pagination import MAX_ID
from guanxi.webhooks.common.catalog import EVENTS
from guanxi.webhooks.delivery.sending import envelope_body
from guanxi.webhooks.models import Delivery, Subscription
from guanxi.webhooks.subscriptions import selectors, services
from guanxi.webhooks.subscriptions.schemas import (
    DeliveryDetailOut,
    DeliveryPageOut,
    DeliveryQuery,
    SubscriptionIn,
    SubscriptionListOut,
    SubscriptionOut,
    WebhookEventOut,
)

router = Router(tags=["webhooks"])


def _data(payload: SubscriptionIn) -> services.SubscriptionData:
    return services.SubscriptionData(**payload.model_dump())


@router.get(
    "/webhooks/events",
    response=list[WebhookEventOut],
    summary="The events a subscription can ask for",
)
def event_list(request: Any) -> list[dict[str, str]]:
    services.manage_check(user=request.auth)
    return [
        {"name": event.name, "label": str(event.label), "group": event.group}
        for event in EVENTS.values()
    ]


@router.get(
    "/webhooks/subscriptions", response=SubscriptionListOut, summary="Webhook subscriptions"
)
def subscription_list(request: Any) -> dict[str, Any]:
    return {"items": selectors.subscriptions_list(user=request.auth)}


@router.post(
    "/webhooks/subscriptions", response={201: SubscriptionOut}, summary="Subscribe a URL to events"
)
def subscription_create(request: Any, payload: SubscriptionIn) -> Status[Subscription]:
    return Status(201, services.subscription_create(actor=request.auth, data=_data(payload)))


@router.get(
    "/webhooks/subscriptions/{int:subscription_id}",
    response=SubscriptionOut,
    summary="A subscription",
)
def subscription_get(request: Any, subscription_id: int) -> Subscription:
    return selectors.subscription_get(user=request.auth, pk=subscription_id)


@router.put(
    "/webhooks/subscriptions/{int:subscription_id}",
    response=SubscriptionOut,
    summary="Change a subscription (active: true switches a disabled one on again)",
)
def subscription_update(
    request: Any, subscription_id: int, payload: SubscriptionIn
) -> Subscription:
    subscription = selectors.subscription_get(user=request.auth, pk=subscription_id)
    return services.subscription_update(
        actor=request.auth, subscription=subscription, data=_data(payload)
    )


@router.delete(
    "/webhooks/subscriptions/{int:subscription_id}",
    response={204: None},
    summary="Delete a subscription and its log",
)
def subscription_delete(request: Any, subscription_id: int) -> Status[None]:
    subscription = selectors.subscription_get(user=request.auth, pk=subscription_id)
    services.subscription_delete(actor=request.auth, subscription=subscription)
    return Status(204, None)


@router.get(
    "/webhooks/deliveries", response=DeliveryPageOut, summary="The delivery log, newest first"
)
def delivery_list(request: Any, query: Query[DeliveryQuery]) -> dict[str, Any]:
    if query.subscription is not None and not 1 <= query.subscription <= MAX_ID:
        raise ValidationFailed(field_errors={"subscription": [_("Unknown subscription.")]})
    if query.status and query.status not in Delivery.Status.values:
        raise ValidationFailed(field_errors={"status": [_("Unknown status.")]})
    page = selectors.delivery_page(
        user=request.auth,
        filters=selectors.DeliveryFilters(subscription_id=query.subscription, status=query.status),
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


_DELIVERY_FIELDS = tuple(name for name in DeliveryDetailOut.model_fields if name != "payload")


def _detail(delivery: Delivery) -> dict[str, Any]:
    out = {name: getattr(delivery, name) for name in _DELIVERY_FIELDS}
    out["payload"] = json.loads(envelope_body(delivery))
    return out


@router.get(
    "/webhooks/deliveries/{int:delivery_id}",
    response=DeliveryDetailOut,
    summary="A delivery with its body",
)
def delivery_get(request: Any, delivery_id: int) -> dict[str, Any]:
    return _detail(selectors.delivery_get(user=request.auth, pk=delivery_id))


@router.post(
    "/webhooks/deliveries/{int:delivery_id}/redeliver",
    response={201: DeliveryDetailOut},
    summary="Send a delivered or failed event again (a new row of the log)",
)
def delivery_redeliver(request: Any, delivery_id: int) -> Status[dict[str, Any]]:
    delivery = selectors.delivery_get(user=request.auth, pk=delivery_id)
    again = services.delivery_redeliver(actor=request.auth, delivery=delivery)
    return Status(201, _detail(selectors.delivery_get(user=request.auth, pk=again.pk)))

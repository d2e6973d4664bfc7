"""Firing events (INTG-3): the outbox. `event_fire` writes one Delivery row per subscription
that wants the event, with one bulk INSERT, in the caller's transaction — the change and its
deliveries commit or roll back together — and asks for a delivery run once the transaction
commits. No HTTP ever happens in the request (bench/webhooks.py measures the cost)."""

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from guanxi.webhooks.common.catalog import EVENTS
from guanxi.webhooks.delivery.tasks import deliveries_send_soon
from guanxi.webhooks.models import Delivery, Subscription


def subscribers_of(event: str) -> list[int]:
    """The active subscriptions that want `event` (a small table, read whole: the events
    are a JSON list, compared here rather than with a JSON lookup SQLite and PostgreSQL
    spell differently)."""
    return [
        pk
        for pk, events in Subscription.objects.filter(active=True).values_list("pk", "events")
        if event in events
    ]


def event_fire(
    *, event: str, items: Sequence[dict[str, Any]], at: dt.datetime | None = None
) -> int:
    """One event per item of `items` (each its payload's `data`) for every subscription
    that wants it; how many deliveries were queued."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    if not items:
        return 0
    subscription_ids = subscribers_of(event)
    if not subscription_ids:
        return 0
    now = at or timezone.now()
    rows: list[Delivery] = []
    for data in items:
        event_id = uuid.uuid4()
        rows.extend(
            Delivery(
                subscription_id=subscription_id,
                event=event,
                event_id=event_id,
                payload=data,
                next_attempt_at=now,
                created_at=now,
            )
            for subscription_id in subscription_ids
        )
    # bulk_create is atomic by itself (no savepoint: two round trips fewer in a request)
    Delivery.objects.bulk_create(rows, batch_size=1000)
    deliveries_send_soon()
    return len(rows)

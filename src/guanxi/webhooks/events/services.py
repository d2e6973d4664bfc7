"""Firing events (INTG-3): the outbox. `event_fire` writes one Delivery row per subscription
that wants the event, with one INSERT (… SELECT from the subscriptions, for one event), in
the caller's transaction — the change and its
deliveries commit or roll back together — and asks for a delivery run once the transaction
commits. No HTTP ever happens in the request (bench/webhooks.py measures the cost)."""

import datetime as dt
import functools
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.db.models import F, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from guanxi.core.sql import SlotStatement, insert_select_sql
from guanxi.webhooks.common.catalog import EVENTS
from guanxi.webhooks.delivery.tasks import deliveries_send_soon
from guanxi.webhooks.models import Delivery, Subscription


def subscribers_of(*, event: str) -> list[int]:
    """The active subscriptions that want `event` (a small table, read whole: the events
    are a JSON list, compared here rather than with a JSON lookup SQLite and PostgreSQL
    spell differently)."""
    return [
        pk
        for pk, events in Subscription.objects.filter(active=True).values_list("pk", "events")
        if event in events
    ]


def _wanting(event: str) -> "models.QuerySet[Subscription]":
    """The active subscriptions whose JSON list of events holds `event`, as SQL."""
    rows = Subscription.objects.filter(active=True)
    if connection.vendor == "postgresql":
        return rows.filter(events__contains=[event])
    wants = RawSQL(
        "EXISTS (SELECT 1 FROM json_each(webhooks_subscription.events) WHERE value = %s)",
        (event,),
        output_field=models.BooleanField(),
    )
    return rows.alias(wants=wants).filter(wants=True)


# placeholders of the varying values in an event's statement (compiled once per event)
_SLOTS = {
    "event_id": "gx-slot-event-id",
    "payload": "gx-slot-payload",
    "next_attempt_at": "gx-slot-next-attempt-at",
    "created_at": "gx-slot-created-at",
}


@functools.cache
def _fire_statement(event: str, vendor: str) -> SlotStatement:
    """The INSERT … SELECT of one event, compiled once per event and database: the ORM
    compiles it in ~2 ms, and a stage move fires two events in its request."""
    slot = {name: RawSQL("%s", (marker,)) for name, marker in _SLOTS.items()}
    sql, params = insert_select_sql(
        Delivery,
        _wanting(event),
        {
            "subscription": F("pk"),
            "event": Value(event),
            "event_id": slot["event_id"],
            "payload": slot["payload"],
            "status": Value(Delivery.Status.PENDING),
            "attempts": Value(0),
            "next_attempt_at": slot["next_attempt_at"],
            "claimed_by": Value(""),
            "error": Value(""),
            "created_at": slot["created_at"],
        },
    )
    return SlotStatement.of(sql, params, **_SLOTS)


def _fire_one(*, event: str, data: dict[str, Any], now: dt.datetime) -> int:
    """One event: a single INSERT … SELECT from the subscriptions that want it (one round
    trip, and no window between reading the subscribers and writing). The values go in as
    the model's fields would send them."""
    fields = Delivery._meta
    values = {
        "event_id": uuid.uuid4(),
        "payload": data,
        "next_attempt_at": now,
        "created_at": now,
    }
    return _fire_statement(event, connection.vendor).run(
        **{
            name: fields.get_field(name).get_db_prep_save(value, connection)  # type: ignore[union-attr]
            for name, value in values.items()
        }
    )


def event_fire(
    *, event: str, items: Sequence[dict[str, Any]], at: dt.datetime | None = None
) -> int:
    """One event per item of `items` (each its payload's `data`) for every subscription
    that wants it; how many deliveries were queued."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    if not items:
        return 0
    now = at or timezone.now()
    if len(items) == 1:
        written = _fire_one(event=event, data=dict(items[0]), now=now)
        if written:
            deliveries_send_soon()
        return written
    subscription_ids = subscribers_of(event=event)
    if not subscription_ids:
        return 0
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

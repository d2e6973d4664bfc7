"""Delivering the outbox (INTG-3, INTG-6), on the task worker (delivery.tasks).

A run claims a batch of due deliveries by a status change (PENDING → SENDING with the
worker's tag, `FOR UPDATE SKIP LOCKED` on PostgreSQL, a conditional UPDATE everywhere), so
two workers never send the same row. The HTTP requests of a batch go out in parallel on a
thread pool (no database work in the threads), then the outcomes are written back in one
transaction: delivered; or failed and due again after an exponential back-off (30 s, 1, 2,
4, 8 min), until MAX_ATTEMPTS. A worker killed mid-batch leaves SENDING claims that go back
to the queue after CLAIM_LIMIT (at least once: the receiver dedupes by the event id).

Every failed attempt counts against its subscription; DISABLE_AFTER failed attempts in a row
switch it off, with a notification to its owner (care's in-app notifications)."""

import datetime as dt
import json
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.care.messages.services import notification_create
from guanxi.core.task_recovery import worker_tag
from guanxi.webhooks.common.catalog import PAYLOAD_VERSION
from guanxi.webhooks.common.net import UnsafeTarget, target_check
from guanxi.webhooks.common.net import post as http_post
from guanxi.webhooks.common.signing import signature_of
from guanxi.webhooks.models import AllowedHost, Delivery, Subscription
from guanxi.webhooks.wecom.robot import WeComError, robot_adapter
from guanxi.webhooks.wecom.texts import robot_text

CLAIM_BATCH = 200
MAX_ATTEMPTS = 6
RETRY_BASE = dt.timedelta(seconds=30)
CLAIM_LIMIT = dt.timedelta(minutes=10)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


@dataclass
class DeliveryRun:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    recovered: int = 0
    disabled: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Job:
    """What a thread needs for one attempt: plain values, no model instances."""

    delivery_id: int
    kind: str
    url: str
    secret: str
    event: str
    body: bytes
    data: dict[str, object]
    allowed_hosts: frozenset[str]


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    ok: bool
    status: int | None
    duration_ms: int | None
    error: str
    transient: bool = True


def envelope_body(delivery: Delivery) -> bytes:
    """The request body: the versioned envelope around the event's data (docs/api.md)."""
    return json.dumps(
        {
            "version": PAYLOAD_VERSION,
            "id": str(delivery.event_id),
            "event": delivery.event,
            "occurred_at": delivery.created_at.isoformat(),
            "delivery": delivery.pk,
            "data": delivery.payload,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def retry_delay(attempts: int) -> dt.timedelta:
    factor: int = 2 ** max(0, attempts - 1)
    return RETRY_BASE * factor


# ---------------------------------------------------------------- one attempt (in a thread)


def _attempt_json(job: Job, *, timeout: float, deadline: float) -> Outcome:
    target = target_check(job.url, allowed_hosts=job.allowed_hosts)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Guanxi-Webhooks/1",
        "X-Guanxi-Event": job.event,
        "X-Guanxi-Delivery": str(job.delivery_id),
        "X-Guanxi-Timestamp": str(timestamp),
        "X-Guanxi-Signature": signature_of(secret=job.secret, timestamp=timestamp, body=job.body),
    }
    answer = http_post(target, body=job.body, headers=headers, timeout=timeout, deadline=deadline)
    if 200 <= answer.status < 300:
        return Outcome(job.delivery_id, True, answer.status, answer.duration_ms, "")
    if 300 <= answer.status < 400:
        error = _("Redirect to %(location)s not followed.") % {"location": answer.location[:200]}
    else:
        error = f"HTTP {answer.status}: {answer.body[:120].decode(errors='replace')}"
    return Outcome(job.delivery_id, False, answer.status, answer.duration_ms, error)


def _attempt_wecom(job: Job, *, timeout: float, deadline: float) -> Outcome:
    target = target_check(job.url, allowed_hosts=job.allowed_hosts)
    robot = robot_adapter(target, timeout=timeout, deadline=deadline)
    try:
        sent = robot.send(
            text=robot_text(event=job.event, data=job.data), reference=str(job.delivery_id)
        )
    except WeComError as exc:
        return Outcome(job.delivery_id, False, exc.status, exc.duration_ms, str(exc), exc.transient)
    return Outcome(job.delivery_id, True, sent.status, sent.duration_ms, "")


def attempt(job: Job) -> Outcome:
    """One attempt; never raises (every failure is an outcome for the log)."""
    timeout = _setting("GUANXI_WEBHOOK_TIMEOUT", 5.0)
    deadline = _setting("GUANXI_WEBHOOK_DEADLINE", 15.0)
    started = time.monotonic()
    try:
        if job.kind == Subscription.Kind.WECOM:
            return _attempt_wecom(job, timeout=timeout, deadline=deadline)
        return _attempt_json(job, timeout=timeout, deadline=deadline)
    except UnsafeTarget as exc:
        return Outcome(job.delivery_id, False, None, None, str(exc))
    except TimeoutError:
        took = round((time.monotonic() - started) * 1000)
        return Outcome(
            job.delivery_id, False, None, took, _("The receiver did not answer in time.")
        )
    except Exception as exc:
        took = round((time.monotonic() - started) * 1000)
        return Outcome(job.delivery_id, False, None, took, f"{type(exc).__name__}: {exc}"[:300])


# ---------------------------------------------------------------- claims


def claims_recover(*, now: dt.datetime) -> int:
    return Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lt=now - CLAIM_LIMIT
    ).update(status=Delivery.Status.PENDING, claimed_by="", claimed_at=None)


def _claim(*, limit: int, tag: str, now: dt.datetime) -> list[Delivery]:
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SENDING, claimed_by=tag, claimed_at=now
        )
    return list(
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING, claimed_by=tag)
        .select_related("subscription")
        .order_by("id")
    )


# ---------------------------------------------------------------- settling


def _settle(
    batch: list[Delivery], outcomes: dict[int, Outcome], *, tag: str, run: DeliveryRun
) -> None:
    now = timezone.now()
    failures: dict[int, int] = {}  # subscription → failed attempts since its last success
    succeeded: set[int] = set()
    with transaction.atomic():
        for delivery in batch:
            outcome = outcomes[delivery.pk]
            attempts = delivery.attempts + 1
            fields: dict[str, object] = {
                "attempts": attempts,
                "response_code": outcome.status,
                "duration_ms": outcome.duration_ms,
                "error": outcome.error[:300],
                "last_attempt_at": now,
                "claimed_by": "",
                "claimed_at": None,
            }
            sub = delivery.subscription_id
            if outcome.ok:
                fields.update(status=Delivery.Status.SUCCEEDED, delivered_at=now)
                succeeded.add(sub)
                failures[sub] = 0
                run.delivered += 1
            elif outcome.transient and attempts < MAX_ATTEMPTS:
                fields.update(
                    status=Delivery.Status.PENDING, next_attempt_at=now + retry_delay(attempts)
                )
                failures[sub] = failures.get(sub, 0) + 1
                run.retried += 1
            else:
                fields.update(status=Delivery.Status.FAILED)
                failures[sub] = failures.get(sub, 0) + 1
                run.failed += 1
            Delivery.objects.filter(
                pk=delivery.pk, status=Delivery.Status.SENDING, claimed_by=tag
            ).update(**fields)
        for sub, count in failures.items():
            if sub in succeeded:
                Subscription.objects.filter(pk=sub).update(consecutive_failures=count)
            elif count:
                Subscription.objects.filter(pk=sub).update(
                    consecutive_failures=F("consecutive_failures") + count
                )
        run.disabled += _disable_failing(subscription_ids=list(failures), now=now)


def _disable_failing(*, subscription_ids: Iterable[int], now: dt.datetime) -> int:
    """Switch off the subscriptions that failed DISABLE_AFTER times in a row, and tell
    their owners."""
    limit = int(_setting("GUANXI_WEBHOOK_DISABLE_AFTER", 20))
    failing = list(
        Subscription.objects.select_for_update()
        .filter(pk__in=list(subscription_ids), active=True, consecutive_failures__gte=limit)
        .select_related("owner")
    )
    for subscription in failing:
        reason = _("%(count)s failed deliveries in a row") % {
            "count": subscription.consecutive_failures
        }
        Subscription.objects.filter(pk=subscription.pk).update(
            active=False, disabled_at=now, disabled_reason=reason[:200]
        )
        notification_create(
            user=subscription.owner,
            title=_("Webhook “%(name)s” switched off") % {"name": subscription.name},
            body=_(
                "%(reason)s. Check the receiver at %(url)s, then switch the subscription on "
                "again; the failed deliveries can be sent again from its log."
            )
            % {"reason": reason, "url": subscription.url},
            url=reverse("webhooks:subscription_detail", args=[subscription.pk]),
            dedup_key=f"webhooks.disabled:{subscription.pk}:{int(now.timestamp())}",
        )
    return len(failing)


# ---------------------------------------------------------------- the run


def _jobs(batch: list[Delivery], allowed: frozenset[str]) -> list[Job]:
    return [
        Job(
            delivery_id=delivery.pk,
            kind=delivery.subscription.kind,
            url=delivery.subscription.url,
            secret=delivery.subscription.secret,
            event=delivery.event,
            body=envelope_body(delivery),
            data=delivery.payload,
            allowed_hosts=allowed,
        )
        for delivery in batch
    ]


def allowed_hosts() -> frozenset[str]:
    return frozenset(AllowedHost.objects.values_list("host", flat=True))


def deliveries_send_due(*, time_limit: float | None = None) -> DeliveryRun:
    """Send due deliveries until none is left or `time_limit` seconds have passed."""
    run = DeliveryRun()
    tag = worker_tag()
    started = time.monotonic()
    limit = time_limit if time_limit is not None else _setting("GUANXI_WEBHOOK_RUN_SECONDS", 50)
    threads = int(_setting("GUANXI_WEBHOOK_THREADS", 16))
    run.recovered = claims_recover(now=timezone.now())
    allowed = allowed_hosts()
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="webhook") as pool:
        while time.monotonic() - started < limit:
            batch = _claim(limit=CLAIM_BATCH, tag=tag, now=timezone.now())
            if not batch:
                break
            # a subscription switched off while its rows waited: they stay in the log, unsent
            paused = [d for d in batch if not d.subscription.active]
            if paused:
                Delivery.objects.filter(pk__in=[d.pk for d in paused], claimed_by=tag).update(
                    status=Delivery.Status.FAILED,
                    error=_("The subscription is switched off."),
                    claimed_by="",
                    claimed_at=None,
                )
                run.failed += len(paused)
                batch = [d for d in batch if d.subscription.active]
            outcomes = {o.delivery_id: o for o in pool.map(attempt, _jobs(batch, allowed))}
            _settle(batch, outcomes, tag=tag, run=run)
    return run


def deliveries_due_count(*, cap: int) -> int:
    return (
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=timezone.now())
        .values("pk")[:cap]
        .count()
    )

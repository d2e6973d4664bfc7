"""Delivery (INTG-3, INTG-6) to a real receiver on loopback: signed and versioned JSON,
retries with back-off on 500, hanging receivers and refused redirects, the log, automatic
disable with a notice to the owner, one claim per delivery, redelivery, the WeCom robot."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from guanxi.care.models import Notification
from guanxi.webhooks.common.signing import signature_of, signature_verify
from guanxi.webhooks.delivery import sending
from guanxi.webhooks.delivery.sending import deliveries_send_due
from guanxi.webhooks.events.services import event_fire
from guanxi.webhooks.models import Delivery, Subscription
from guanxi.webhooks.subscriptions.services import delivery_redeliver
from tests.webhooks.factories import SubscriptionFactory, allow_loopback
from tests.webhooks.receiver import running_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    with running_receiver() as running:
        yield running


@pytest.fixture
def subscription(admin_user, receiver):
    allow_loopback()
    return SubscriptionFactory(owner=admin_user, url=receiver.url, events=["customer.created"])


def _fire(n=1):
    event_fire(
        event="customer.created", items=[{"customer": {"id": i, "name": "张三"}} for i in range(n)]
    )


def _later(minutes):
    """Make every waiting retry due, as if `minutes` had passed."""
    Delivery.objects.filter(status=Delivery.Status.PENDING).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


def test_a_delivery_is_signed_versioned_and_logged(subscription, receiver):
    _fire()
    run = deliveries_send_due(time_limit=10)
    assert run.delivered == 1
    (request,) = receiver.requests
    body = json.loads(request.body)
    assert body["version"] == 1 and body["event"] == "customer.created"
    assert body["data"] == {"customer": {"id": 0, "name": "张三"}}
    assert request.headers["X-Guanxi-Event"] == "customer.created"
    assert signature_verify(
        secret=subscription.secret,
        body=request.body,
        timestamp_header=request.headers["X-Guanxi-Timestamp"],
        signature_header=request.headers["X-Guanxi-Signature"],
    )
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert delivery.response_code == 200 and delivery.attempts == 1
    assert delivery.duration_ms is not None and delivery.delivered_at is not None
    assert str(delivery.event_id) == body["id"]


def test_a_replayed_or_forged_request_fails_verification():
    body = b'{"version":1}'
    ts = 1_800_000_000
    good = signature_of(secret="s", timestamp=ts, body=body)
    assert signature_verify(
        secret="s", body=body, timestamp_header=str(ts), signature_header=good, now=ts + 10
    )
    assert not signature_verify(
        secret="s", body=body, timestamp_header=str(ts), signature_header=good, now=ts + 301
    )
    assert not signature_verify(
        secret="s", body=body + b" ", timestamp_header=str(ts), signature_header=good, now=ts
    )
    assert not signature_verify(
        secret="t", body=body, timestamp_header=str(ts), signature_header=good, now=ts
    )
    assert not signature_verify(
        secret="s", body=body, timestamp_header="x", signature_header=good, now=ts
    )


def test_a_500_is_retried_with_back_off_then_given_up(subscription, receiver):
    receiver.mode = "500"
    _fire()
    deliveries_send_due(time_limit=10)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    assert delivery.response_code == 500 and "HTTP 500" in delivery.error
    delay = delivery.next_attempt_at - delivery.last_attempt_at
    assert dt.timedelta(seconds=29) < delay <= dt.timedelta(seconds=31)
    # not due yet: nothing is sent
    assert deliveries_send_due(time_limit=10).retried == 0
    for _attempt in range(sending.MAX_ATTEMPTS - 1):
        _later(60)
        deliveries_send_due(time_limit=10)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == sending.MAX_ATTEMPTS == len(receiver.requests)
    # then the receiver is fixed and the event sent again by hand: a new row, same event id
    receiver.mode = "ok"
    again = delivery_redeliver(actor=subscription.owner, delivery=delivery)
    deliveries_send_due(time_limit=10)
    again.refresh_from_db()
    assert again.status == Delivery.Status.SUCCEEDED and again.event_id == delivery.event_id
    assert again.redelivery_of_id == delivery.pk
    assert Subscription.objects.get(pk=subscription.pk).consecutive_failures == 0


def test_a_hanging_receiver_times_out_and_is_retried(subscription, receiver, settings):
    settings.GUANXI_WEBHOOK_TIMEOUT = 0.3
    receiver.mode = "hang"
    receiver.hang_seconds = 1.0
    _fire()
    deliveries_send_due(time_limit=10)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    assert delivery.response_code is None and delivery.error
    assert delivery.duration_ms is not None and delivery.duration_ms < 1000


def test_a_redirect_to_a_private_address_is_not_followed(subscription, receiver):
    receiver.mode = "redirect"
    _fire()
    deliveries_send_due(time_limit=10)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING and delivery.response_code == 302
    assert "169.254.169.254" in delivery.error
    assert len(receiver.requests) == 1


def test_a_host_taken_off_the_allow_list_is_refused_at_delivery(subscription, receiver):
    from guanxi.webhooks.models import AllowedHost

    AllowedHost.objects.all().delete()
    _fire()
    deliveries_send_due(time_limit=10)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING and "127.0.0.1" in delivery.error
    assert receiver.requests == []


def test_failures_in_a_row_switch_the_subscription_off_and_tell_its_owner(
    subscription, receiver, settings
):
    settings.GUANXI_WEBHOOK_DISABLE_AFTER = 3
    receiver.mode = "500"
    _fire(2)
    deliveries_send_due(time_limit=10)
    assert Subscription.objects.get(pk=subscription.pk).consecutive_failures == 2
    _later(1)
    deliveries_send_due(time_limit=10)
    subscription.refresh_from_db()
    assert not subscription.active and subscription.disabled_at is not None
    notice = Notification.objects.get(user=subscription.owner)
    assert subscription.name in notice.title
    assert notice.url.endswith(f"/webhooks/{subscription.pk}/")
    # what still waits is not sent while it is off
    _later(1)
    requests_before = len(receiver.requests)
    deliveries_send_due(time_limit=10)
    assert len(receiver.requests) == requests_before


def test_a_claimed_delivery_is_not_claimed_again(subscription):
    _fire(3)
    now = timezone.now()
    first = sending._claim(limit=10, tag="host:1:a", now=now)
    second = sending._claim(limit=10, tag="host:2:b", now=now)
    assert len(first) == 3 and second == []
    # a claim abandoned for longer than the limit goes back to the queue
    assert sending.claims_recover(now=now + sending.CLAIM_LIMIT + dt.timedelta(seconds=1)) == 3


def test_wecom_robot_posts_markdown_and_reads_its_errcode(admin_user, receiver):
    allow_loopback()
    receiver.mode = "wecom"
    robot = SubscriptionFactory(
        owner=admin_user,
        kind=Subscription.Kind.WECOM,
        url=receiver.url,
        events=["approval.waiting"],
    )
    event_fire(
        event="approval.waiting",
        items=[
            {
                "approval": {
                    "id": 7,
                    "title": "HT-2026-000012 张伟",
                    "amount": "150000.00",
                    "step": 1,
                }
            }
        ],
    )
    deliveries_send_due(time_limit=10)
    (request,) = receiver.requests
    body = json.loads(request.body)
    assert body["msgtype"] == "markdown"
    assert "HT-2026-000012 张伟" in body["markdown"]["content"]
    assert "150000.00" in body["markdown"]["content"]
    assert Delivery.objects.get(subscription=robot).status == Delivery.Status.SUCCEEDED
    # a rate limit is "later", a bad key is "never"
    receiver.wecom_errcode = 45009
    event_fire(event="approval.waiting", items=[{"approval": {"id": 8, "title": "x", "step": 1}}])
    deliveries_send_due(time_limit=10)
    limited = Delivery.objects.filter(subscription=robot).order_by("-id").first()
    assert limited.status == Delivery.Status.PENDING and "45009" in limited.error
    receiver.wecom_errcode = 93000
    _later(1)
    deliveries_send_due(time_limit=10)
    limited.refresh_from_db()
    assert limited.status == Delivery.Status.FAILED and "93000" in limited.error


def test_firing_then_commit_delivers_through_the_task(
    subscription, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _fire()
    assert len(receiver.requests) == 1
    assert Delivery.objects.get().status == Delivery.Status.SUCCEEDED


def test_an_escalation_reaches_a_json_receiver_and_a_wecom_robot(
    admin_user, sales1a, manager, make_customer, receiver, settings
):
    """CMP-2 over INTG-3/INTG-6: the SLA escalation run queues complaint.escalated in its own
    transaction (the outbox: no HTTP in the run) with the level, who was notified and the
    target missed; a delivery run then posts it as signed JSON and as the robot's markdown
    with a link to the complaint."""
    from django.urls import reverse

    from guanxi.service.complaints.services import complaint_accept, escalations_run
    from guanxi.service.models import ComplaintRoute
    from guanxi.webhooks.common.catalog import EVENTS
    from tests.service.factories import make_complaint

    assert EVENTS["complaint.escalated"].group == "notice"
    settings.GUANXI_SITE_URL = "https://crm.example.cn"
    allow_loopback()
    receiver.mode = "wecom"  # answers errcode 0: good for both kinds
    erp = SubscriptionFactory(owner=admin_user, url=receiver.url, events=["complaint.escalated"])
    robot = SubscriptionFactory(
        owner=admin_user,
        kind=Subscription.Kind.WECOM,
        url=receiver.url,
        events=["complaint.escalated"],
    )
    ComplaintRoute.objects.create(to_user=sales1a)
    customer = make_customer(sales1a, name="杭州明达贸易")
    complaint = make_complaint(sales1a, customer, title="交车延误")
    complaint_accept(actor=sales1a, complaint_id=complaint.pk, note="收到")
    later = complaint.resolve_due + dt.timedelta(minutes=1)
    assert escalations_run(now=later)["escalated"] == 1
    assert receiver.requests == []  # queued, not sent, by the run
    assert Delivery.objects.filter(event="complaint.escalated").count() == 2
    deliveries_send_due(time_limit=10)
    assert len(receiver.requests) == 2
    by_path = {
        Delivery.objects.get(pk=int(r.headers["X-Guanxi-Delivery"])).subscription_id: json.loads(
            r.body
        )
        for r in receiver.requests
    }
    body = by_path[erp.pk]
    assert body["version"] == 1 and body["event"] == "complaint.escalated"
    data = body["data"]
    assert data["complaint"]["id"] == complaint.pk
    assert data["complaint"]["escalation_level"] == data["level"] == 1
    assert data["escalated_at"] == later.isoformat()
    assert data["customer"] == {"id": customer.pk, "name": "杭州明达贸易"}
    assert data["notified"] == {"id": manager.pk, "username": "manager", "name": "王经理"}
    assert data["missed"] == [{"target": "resolve", "due": complaint.resolve_due.isoformat()}]
    markdown = by_path[robot.pk]["markdown"]["content"]
    assert "交车延误" in markdown and "杭州明达贸易" in markdown and "王经理" in markdown
    link = f"https://crm.example.cn{reverse('service:complaint_detail', args=[complaint.pk])}"
    assert f"]({link})" in markdown
    assert "投诉已升级" in markdown and "已通知" in markdown  # the site's language
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SUCCEEDED}
    # a rerun escalates nobody and fires nothing
    assert escalations_run(now=later)["escalated"] == 0
    assert Delivery.objects.count() == 2

"""Pages and API of webhooks (INTG-3, issue 16 §4 and §8): webhooks.manage only, per role;
bad input a translated field error with nothing saved; the delivery log in bounded queries;
the API in the OpenAPI document."""

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.webhooks.models import Delivery, Subscription
from tests.sales.support import api, send
from tests.webhooks.factories import SubscriptionFactory, allow_loopback

pytestmark = pytest.mark.django_db

ROLES = ["sales1a", "manager", "relations", "agent", "marketing", "admin"]


def _deliveries(subscription, n, status=Delivery.Status.SUCCEEDED):
    now = timezone.now()
    Delivery.objects.bulk_create(
        Delivery(
            subscription=subscription,
            event="customer.created",
            payload={"customer": {"id": i, "name": "客户"}},
            status=status,
            attempts=1,
            response_code=200,
            duration_ms=12,
            next_attempt_at=now,
            last_attempt_at=now,
            created_at=now,
        )
        for i in range(n)
    )


@pytest.mark.parametrize("username", ROLES)
def test_only_the_webhooks_permission_reads_subscriptions_and_the_log(org, client_for, username):
    subscription = SubscriptionFactory(owner=org["admin"])
    _deliveries(subscription, 1)
    delivery = Delivery.objects.get()
    allowed = username == "admin"
    client = client_for(org[username])
    for url in (
        reverse("webhooks:subscription_list"),
        reverse("webhooks:subscription_detail", args=[subscription.pk]),
        reverse("webhooks:delivery_detail", args=[delivery.pk]),
    ):
        assert client.get(url).status_code == (200 if allowed else 403), url
    for path in ("/api/v1/webhooks/subscriptions", "/api/v1/webhooks/deliveries"):
        assert api(org[username]).get(path).status_code == (200 if allowed else 403), path


def test_a_subscription_through_the_pages(admin_user, client_for):
    client = client_for(admin_user)
    refused = client.post(
        reverse("webhooks:subscription_new"),
        {
            "name": "ERP",
            "kind": "json",
            "url": "http://192.168.1.20/hook",
            "events": ["customer.created"],
        },
        headers={"Accept-Language": "zh-hans"},
    )
    assert refused.status_code == 422
    assert "管理员" in refused.content.decode()  # the translated SSRF refusal on the field
    assert not Subscription.objects.exists()
    added = client.post(
        reverse("webhooks:allowed_host_add"), {"host": "192.168.1.20", "note": "ERP"}
    )
    assert added.status_code == 302
    saved = client.post(
        reverse("webhooks:subscription_new"),
        {
            "name": "ERP",
            "kind": "json",
            "url": "http://192.168.1.20/hook",
            "events": ["customer.created"],
            "active": "on",
        },
    )
    assert saved.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.events == ["customer.created"] and len(subscription.secret) == 40
    page = client.get(
        reverse("webhooks:subscription_detail", args=[subscription.pk])
    ).content.decode()
    assert subscription.secret in page and "X-Guanxi-Signature" in page


def test_the_delivery_log_reads_in_fixed_queries(
    admin_user, client_for, django_assert_max_num_queries
):
    subscription = SubscriptionFactory(owner=admin_user)
    _deliveries(subscription, 60)
    _deliveries(subscription, 3, status=Delivery.Status.FAILED)
    client = client_for(admin_user)
    url = reverse("webhooks:subscription_detail", args=[subscription.pk])
    with django_assert_max_num_queries(12):
        page = client.get(url)
    html = page.content.decode()
    assert html.count('action="/webhooks/deliveries/') == 50  # a page of 50, each redeliverable
    failed = client.get(url, {"status": "failed"}).content.decode()
    assert failed.count('action="/webhooks/deliveries/') == 3


def test_the_api_creates_lists_and_redelivers(admin_user):
    allow_loopback()
    client = api(admin_user)
    bad = send(
        client,
        "post",
        "/api/v1/webhooks/subscriptions",
        {"name": "x", "url": "http://10.0.0.1/", "events": ["nope"]},
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) >= {"url", "events"}
    created = send(
        client,
        "post",
        "/api/v1/webhooks/subscriptions",
        {
            "name": "ERP",
            "url": "http://127.0.0.1:9/hook",
            "events": ["customer.created", "invoice.issued"],
        },
    )
    assert created.status_code == 201, created.content
    sub_id = created.json()["id"]
    assert created.json()["secret"]
    _deliveries(Subscription.objects.get(pk=sub_id), 2, status=Delivery.Status.FAILED)
    listed = client.get(f"/api/v1/webhooks/deliveries?subscription={sub_id}&limit=1").json()
    assert len(listed["items"]) == 1 and listed["next_cursor"]
    delivery_id = listed["items"][0]["id"]
    detail = client.get(f"/api/v1/webhooks/deliveries/{delivery_id}").json()
    assert detail["payload"]["version"] == 1 and detail["payload"]["event"] == "customer.created"
    again = send(client, "post", f"/api/v1/webhooks/deliveries/{delivery_id}/redeliver")
    assert again.status_code == 201 and again.json()["redelivery_of_id"] == delivery_id
    assert client.get("/api/v1/webhooks/deliveries?status=bogus").status_code == 422
    events = client.get("/api/v1/webhooks/events").json()
    assert {"customer.created", "approval.waiting"} <= {e["name"] for e in events}


def test_the_api_is_in_the_openapi_document(admin_user):
    paths = api(admin_user).get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/webhooks/subscriptions" in paths
    assert "/api/v1/webhooks/deliveries/{delivery_id}/redeliver" in paths

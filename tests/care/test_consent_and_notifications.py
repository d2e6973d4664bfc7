"""Consents with their evidence (PIPL), the 360 panel and its API, customer merges keeping
the stricter preference, and in-app notifications with the bell (CARE-4)."""

import datetime as dt

import pytest
from django.urls import reverse

from guanxi.care.messages.services import (
    ConsentState,
    contact_preference_set,
    notification_create,
)
from guanxi.care.models import ConsentEvent, ContactPreference, Message, Notification
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.core.waiting import waiting_for
from guanxi.customers.archive.services import customer_merge
from tests.care.factories import EmailTemplateFactory


@pytest.fixture
def customer(make_customer, sales1a):
    return make_customer(sales1a, name="赵敏", gender="F", email="zm@example.com")


def test_an_opt_in_needs_its_evidence_and_is_logged(customer, marketing):
    with pytest.raises(ValidationFailed) as refused:
        contact_preference_set(
            actor=marketing, customer=customer, state=ConsentState(marketing_sms=True)
        )
    assert "note" in refused.value.field_errors
    assert not ContactPreference.objects.exists() and not ConsentEvent.objects.exists()
    contact_preference_set(
        actor=marketing,
        customer=customer,
        state=ConsentState(marketing_sms=True, note="2026-03-01 到店签署营销短信同意书"),
    )
    event = ConsentEvent.objects.get()
    assert (event.field, event.value, event.source, event.actor) == (
        "marketing_sms",
        True,
        "staff",
        marketing,
    )


@pytest.mark.parametrize(
    "state, field",
    [
        (ConsentState(quiet_from=dt.time(21)), "quiet_until"),
        (ConsentState(quiet_from=dt.time(21), quiet_until=dt.time(21)), "quiet_until"),
        (ConsentState(marketing_email=True, email_unsubscribed=True, note="x"), "marketing_email"),
    ],
)
def test_bad_consent_input_changes_nothing(customer, marketing, state, field):
    with pytest.raises(ValidationFailed) as refused:
        contact_preference_set(actor=marketing, customer=customer, state=state)
    assert field in refused.value.field_errors
    assert not ContactPreference.objects.exists() and not ConsentEvent.objects.exists()


def test_consent_needs_the_permission(customer, sales1a):
    with pytest.raises(PermissionDenied):
        contact_preference_set(
            actor=sales1a, customer=customer, state=ConsentState(do_not_disturb=True)
        )


def test_the_360_panel_records_consent_and_sends_by_hand(client_for, customer, relations, sales1a):
    panel_url = reverse("care:customer_messages", args=[customer.pk])
    page = client_for(sales1a).get(reverse("customers:detail", args=[customer.pk]))
    assert panel_url in page.content.decode()  # the placeholder htmx loads the panel from
    panel = client_for(sales1a).get(panel_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="gx-care-messages"' in panel
    assert "gx-consent-form" not in panel  # no care.consent for a consultant
    client = client_for(relations)
    panel = client.get(panel_url, HTTP_HX_REQUEST="true").content.decode()
    assert "gx-consent-form" in panel and "gx-send-form" in panel
    answer = client.post(
        reverse("care:consent_save", args=[customer.pk]),
        {"do_not_disturb": "on", "quiet_from": "22:00", "quiet_until": "07:30"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    pref = ContactPreference.objects.get(customer=customer)
    assert pref.do_not_disturb and pref.quiet_from == dt.time(22)
    bad = client.post(
        reverse("care:message_send", args=[customer.pk]),
        {"channel": "sms", "body": "{{ settings.SECRET_KEY }}"},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422 and not Message.objects.exists()
    sent = client.post(
        reverse("care:message_send", args=[customer.pk]),
        {"channel": "sms", "body": "{{ customer.surname }}{{ customer.title }}，您的车已保养完毕"},
    )
    assert sent.status_code == 302
    message = Message.objects.get()
    assert message.sender == relations and message.channel == "sms"


def test_the_consent_api(client_for, customer, marketing, sales2a):
    url = f"/api/v1/customers/{customer.pk}/consent"
    client = client_for(marketing)
    refused = client.put(url, {"marketing_email": True}, content_type="application/json")
    assert refused.status_code == 422 and "note" in refused.json()["errors"]
    answer = client.put(
        url, {"marketing_email": True, "note": "官网表单勾选同意"}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["marketing_email"] is True
    got = client.get(url).json()
    assert got["events"][0]["source"] == "api" and got["events"][0]["note"] == "官网表单勾选同意"
    assert client_for(sales2a).get(url).status_code == 404  # another team's customer


def test_the_messages_api_is_scoped_and_sends_by_hand(client_for, customer, relations, sales2a):
    client = client_for(relations)
    bad = client.post(
        "/api/v1/messages",
        {"customer_id": customer.pk, "channel": "email", "body": "{{ customer.owner.password }}"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "body" in bad.json()["errors"]
    created = client.post(
        "/api/v1/messages",
        {"customer_id": customer.pk, "template_id": EmailTemplateFactory().pk},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "queued" and body["events"][0]["status"] == "queued"
    assert client.get(f"/api/v1/messages/{body['id']}").status_code == 200
    assert client.get("/api/v1/messages").json()["items"][0]["id"] == body["id"]
    other = client_for(sales2a)
    assert other.get(f"/api/v1/messages/{body['id']}").status_code == 404
    assert other.get("/api/v1/messages").json()["items"] == []
    assert client.get("/api/v1/messages?status=nonsense").status_code == 422
    assert client.get("/api/v1/message-templates").status_code == 200


def test_merging_keeps_the_stricter_preference(make_customer, sales1a, marketing, manager):
    keep = make_customer(sales1a, name="钱多多")
    drop = make_customer(sales1a, name="钱多多2")
    contact_preference_set(
        actor=marketing,
        customer=keep,
        state=ConsentState(marketing_sms=True, marketing_email=True, note="同意"),
    )
    contact_preference_set(
        actor=marketing,
        customer=drop,
        state=ConsentState(
            marketing_sms=True,
            do_not_disturb=True,
            quiet_from=dt.time(20),
            quiet_until=dt.time(9),
            note="同意",
        ),
    )
    customer_merge(actor=manager, primary=keep, duplicate=drop)
    pref = ContactPreference.objects.get(customer=keep)
    assert pref.marketing_sms and not pref.marketing_email and pref.do_not_disturb
    assert (pref.quiet_from, pref.quiet_until) == (dt.time(20), dt.time(9))
    assert not ContactPreference.objects.filter(customer=drop).exists()
    assert not ConsentEvent.objects.filter(customer=drop).exists()
    assert ConsentEvent.objects.filter(customer=keep, field="do_not_disturb").exists()


def test_notifications_bell_list_and_read(client_for, sales1a, sales1b):
    first = notification_create(user=sales1a, title="回访到期", url="/")
    notification_create(user=sales1a, title="付款逾期")
    notification_create(user=sales1b, title="别人的")
    [item] = [i for i in waiting_for(user=sales1a) if i.kind == "notifications"]
    assert item.count == 2
    client = client_for(sales1a)
    page = client.get(reverse("care:notifications"))
    assert "回访到期" in page.content.decode() and "别人的" not in page.content.decode()
    client.post(reverse("care:notifications_read"), {"id": first.pk, "next": "/"})
    first.refresh_from_db()
    assert first.read_at is not None
    api = client.get("/api/v1/notifications?unread=true").json()
    assert api["unread"] == 1 and len(api["items"]) == 1
    marked = client.post("/api/v1/notifications/read", {}, content_type="application/json")
    assert marked.json() == {"marked": 1}
    assert Notification.objects.filter(user=sales1b, read_at__isnull=True).count() == 1
    assert not [i for i in waiting_for(user=sales1a) if i.kind == "notifications"]

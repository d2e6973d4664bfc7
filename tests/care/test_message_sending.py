"""Sending e-mail through a real SMTP server (aiosmtpd, started here): consent, quiet hours,
retries, the rate limit, exactly-once claims and the unsubscribe link (CARE-4)."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.core.mail import mailers
from django.urls import reverse
from django.utils import timezone

from guanxi.care.messages import sending
from guanxi.care.messages.consent import quiet_until
from guanxi.care.messages.services import (
    ConsentState,
    MessageNew,
    contact_preference_set,
    message_queue,
)
from guanxi.care.models import ConsentEvent, ContactPreference, Message, MessageEvent, Purpose
from tests.care.factories import EmailTemplateFactory
from tests.care.smtp import SmtpServer, free_port, smtp_mailers

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.MAILERS = smtp_mailers(port=server.port, timeout=5)
        yield server


@pytest.fixture
def no_quiet_hours(settings):
    """Quiet hours of the default window would defer whatever a test sends at night."""
    settings.GUANXI_QUIET_HOURS = "off"


@pytest.fixture
def customer(make_customer, sales1a):
    return make_customer(sales1a, name="欧阳娜娜", gender="F", email="nana@example.com")


def _queue(customer, **template):
    return message_queue(
        new=MessageNew(customer=customer, template=EmailTemplateFactory(**template))
    )


def _statuses(message):
    return list(MessageEvent.objects.filter(message=message).values_list("status", flat=True))


def test_a_service_email_arrives_rendered_with_a_one_click_unsubscribe(
    smtp, customer, sales1a, no_quiet_hours
):
    message = _queue(customer)
    run = sending.messages_send_due()
    assert run.sent == 1
    [received] = smtp.inbox.messages
    assert received["To"] == "nana@example.com"
    assert received["Subject"] == "欧阳女士，您好"
    body = received.get_content()
    owner = sales1a.display_name or sales1a.username
    assert f"尊敬的欧阳女士：您的顾问是{owner}。" in body
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"<(.+)>", received["List-Unsubscribe"]).group(1)
    assert link in body
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.body.startswith("尊敬的欧阳女士") and message.recipient == "nana@example.com"
    assert _statuses(message) == ["queued", "sent"]
    assert received["Message-ID"] == f"<guanxi-message-{message.pk}@localhost>"


def test_the_unsubscribe_link_asks_then_unsubscribes_without_login(
    client, smtp, customer, no_quiet_hours
):
    _queue(customer)
    sending.messages_send_due()
    link = re.search(r"<(.+)>", smtp.inbox.messages[0]["List-Unsubscribe"]).group(1)
    path = link.split("localhost:8000", 1)[1]
    assert client.get(path).status_code == 200
    assert not ContactPreference.objects.filter(customer=customer).exists()  # a GET changes nothing
    assert client.post(path).status_code == 200
    pref = ContactPreference.objects.get(customer=customer)
    assert pref.email_unsubscribed_at is not None
    event = ConsentEvent.objects.get(customer=customer)
    assert (event.field, event.value, event.source) == ("email_unsubscribed", True, "link")
    # and the next e-mail is suppressed, not sent
    later = _queue(customer)
    sending.messages_send_due()
    later.refresh_from_db()
    assert (later.status, later.reason) == ("suppressed", "unsubscribed")
    assert len(smtp.inbox.messages) == 1


def test_a_forged_unsubscribe_token_is_404(client, customer):
    assert client.post(reverse("care:unsubscribe", args=["forged:token"])).status_code == 404
    assert not ContactPreference.objects.filter(customer=customer).exists()


def test_marketing_needs_the_recorded_opt_in(smtp, customer, relations, no_quiet_hours):
    refused = _queue(customer, purpose=Purpose.MARKETING)
    sending.messages_send_due()
    refused.refresh_from_db()
    assert (refused.status, refused.reason) == ("suppressed", "no_opt_in")
    assert smtp.inbox.messages == []
    contact_preference_set(
        actor=relations,
        customer=customer,
        state=ConsentState(marketing_email=True, note="到店填写同意书"),
    )
    allowed = _queue(customer, purpose=Purpose.MARKETING)
    sending.messages_send_due()
    allowed.refresh_from_db()
    assert allowed.status == "sent" and len(smtp.inbox.messages) == 1


def test_do_not_disturb_suppresses_even_service_messages(smtp, customer, relations, no_quiet_hours):
    contact_preference_set(
        actor=relations, customer=customer, state=ConsentState(do_not_disturb=True)
    )
    message = _queue(customer)
    sending.messages_send_due()
    message.refresh_from_db()
    assert (message.status, message.reason) == ("suppressed", "dnd")
    assert _statuses(message) == ["queued", "suppressed"]
    assert smtp.inbox.messages == []


def test_quiet_hours_defer_to_their_end_and_then_send(smtp, customer, relations):
    now_local = timezone.now().astimezone(SHANGHAI)
    start = (now_local - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now_local + dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    contact_preference_set(
        actor=relations, customer=customer, state=ConsentState(quiet_from=start, quiet_until=end)
    )
    message = _queue(customer)
    sending.messages_send_due()
    message.refresh_from_db()
    assert (message.status, message.reason) == ("deferred", "quiet_hours")
    assert message.send_after.astimezone(SHANGHAI).time() == end
    assert smtp.inbox.messages == []
    # nothing goes before the quiet hours end …
    assert sending.messages_send_due().sent == 0
    # … and it goes once they have (the customer's quiet hours moved away)
    Message.objects.filter(pk=message.pk).update(send_after=timezone.now())
    ContactPreference.objects.filter(customer=customer).update(
        quiet_from=dt.time(3, 0), quiet_until=dt.time(3, 1)
    )
    if dt.time(3, 0) <= timezone.now().astimezone(SHANGHAI).time() < dt.time(3, 1):
        pytest.skip("the test's own quiet minute")
    sending.messages_send_due()
    message.refresh_from_db()
    assert message.status == "sent" and len(smtp.inbox.messages) == 1
    assert _statuses(message) == ["queued", "deferred", "sent"]


def test_quiet_hours_across_midnight():
    window = (dt.time(21), dt.time(8))
    at = dt.datetime(2026, 3, 1, 22, 30, tzinfo=SHANGHAI)
    assert quiet_until(at, window=window, tz=SHANGHAI) == dt.datetime(
        2026, 3, 2, 8, tzinfo=SHANGHAI
    )
    early = dt.datetime(2026, 3, 2, 6, 0, tzinfo=SHANGHAI)
    assert quiet_until(early, window=window, tz=SHANGHAI) == dt.datetime(
        2026, 3, 2, 8, tzinfo=SHANGHAI
    )
    assert (
        quiet_until(dt.datetime(2026, 3, 2, 12, tzinfo=SHANGHAI), window=window, tz=SHANGHAI)
        is None
    )


def test_a_refused_recipient_fails_for_good(smtp, customer, no_quiet_hours):
    smtp.inbox.refuse_rcpt = "550 5.1.1 no such user"
    message = _queue(customer)
    run = sending.messages_send_due()
    message.refresh_from_db()
    assert run.failed == 1 and message.status == "failed"
    assert message.reason.startswith("smtp: 550")
    assert smtp.inbox.messages == []


def test_a_server_that_is_down_means_retries_with_back_off(settings, customer, no_quiet_hours):
    settings.MAILERS = smtp_mailers(port=free_port(), timeout=2)
    message = _queue(customer)
    sending.messages_send_due()
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 1
    wait = message.send_after - timezone.now()
    assert dt.timedelta(seconds=50) < wait <= sending.RETRY_BASE
    for attempt in range(2, sending.MAX_ATTEMPTS + 1):
        Message.objects.filter(pk=message.pk).update(send_after=timezone.now())
        sending.messages_send_due()
        message.refresh_from_db()
        assert message.attempts == attempt
        if attempt < sending.MAX_ATTEMPTS:
            assert message.send_after - timezone.now() > sending.RETRY_BASE * (2 ** (attempt - 2))
    assert message.status == "failed"
    assert _statuses(message).count("failed") == sending.MAX_ATTEMPTS


def test_the_rate_limit_holds_the_rest_for_later(smtp, customer, settings, no_quiet_hours):
    settings.GUANXI_MESSAGE_RATE_PER_MINUTE = {"email": 2, "sms": 0, "in_app": 0}
    for _n in range(5):
        _queue(customer)
    assert sending.messages_send_due().sent == 2
    assert len(smtp.inbox.messages) == 2
    assert Message.objects.filter(status="queued").count() == 3


def test_a_claim_of_a_dead_worker_is_sent_again_once(smtp, customer, no_quiet_hours):
    """A worker killed -9 after claiming (before its commit of SENT): the server has nothing,
    the claim goes back to the queue and the message arrives once."""
    import socket

    message = _queue(customer)
    dead = f"{socket.gethostname()[:40]}:999999:deadbeef"
    Message.objects.filter(pk=message.pk).update(
        status="sending", claimed_by=dead, claimed_at=timezone.now()
    )
    run = sending.messages_send_due()
    assert run.recovered == 1 and run.sent == 1
    assert sending.messages_send_due().sent == 0
    assert len(smtp.inbox.messages) == 1


def test_a_claim_of_a_live_worker_is_left_alone(smtp, customer, no_quiet_hours):
    import os
    import socket

    message = _queue(customer)
    alive = f"{socket.gethostname()[:40]}:{os.getppid()}:cafebabe"
    Message.objects.filter(pk=message.pk).update(
        status="sending", claimed_by=alive, claimed_at=timezone.now()
    )
    assert sending.messages_send_due().sent == 0
    assert smtp.inbox.messages == []


def test_without_the_commit_the_server_keeps_nothing(smtp, customer, settings):
    """The point of no return: the text went out, the commit did not happen (the claim was
    lost) — the final "." is never sent and the server discards the message."""
    message = _queue(customer)
    backend = mailers.default
    email = sending._email(message, subject="s", body="b")
    assert sending._smtp_deliver(backend, email, lambda finish: False) is False

    def commit(finish):
        finish()
        return True

    assert sending._smtp_deliver(backend, email, commit) is True
    backend.close()
    assert len(smtp.inbox.messages) == 1


def test_a_repeated_dedup_key_queues_once(customer):
    template = EmailTemplateFactory()
    first = message_queue(new=MessageNew(customer=customer, template=template, dedup_key="k1"))
    again = message_queue(new=MessageNew(customer=customer, template=template, dedup_key="k1"))
    assert first.pk == again.pk and Message.objects.count() == 1


def test_in_app_messages_notify_the_owner_once(customer, sales1a):
    from guanxi.care.models import Channel, Notification

    message = _queue(customer, channel=Channel.IN_APP)
    sending.messages_send_due()
    message.refresh_from_db()
    assert message.status == "sent"
    note = Notification.objects.get(user=sales1a)
    assert note.customer_id == customer.pk and note.dedup_key == f"care.message:{message.pk}"


@pytest.mark.parametrize(
    "setting, window",
    [
        ("21:00-08:00", (dt.time(21), dt.time(8))),
        ("22:30 - 07:00", (dt.time(22, 30), dt.time(7))),
        ("off", (dt.time(0), dt.time(0))),
        ("nonsense", (dt.time(21), dt.time(8))),
    ],
)
def test_the_sites_quiet_hours(settings, setting, window):
    from guanxi.care.messages.consent import site_quiet_hours

    settings.GUANXI_QUIET_HOURS = setting
    assert site_quiet_hours() == window


def test_the_sites_quiet_hours_defer_customers_without_their_own(settings, smtp, customer):
    now_local = timezone.now().astimezone(SHANGHAI)
    start = (now_local - dt.timedelta(minutes=30)).strftime("%H:%M")
    end = (now_local + dt.timedelta(minutes=30)).strftime("%H:%M")
    settings.GUANXI_QUIET_HOURS = f"{start}-{end}"
    message = _queue(customer)
    sending.messages_send_due()
    message.refresh_from_db()
    assert (message.status, message.reason) == ("deferred", "quiet_hours")
    assert message.send_after.astimezone(SHANGHAI).strftime("%H:%M") == end
    assert smtp.inbox.messages == []

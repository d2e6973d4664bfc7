"""Transactional messages (CARE-4, INTG-4): what a customer asked for this minute (a sign-in
code) goes at once through quiet hours, needs no marketing opt-in, is held by do-not-disturb,
passes the send log, the rate limit and the adapters — and the log never holds its secret:
the body is stored masked and the real text, handed to the adapter, is erased after sending
(docs/decisions.md "Transactional messages")."""

import datetime as dt
import logging
import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.care.messages import sending
from guanxi.care.messages.forms import SendForm, TemplateForm
from guanxi.care.messages.services import (
    MASK,
    ConsentState,
    MessageNew,
    TemplateData,
    contact_preference_set,
    message_queue,
    message_send_by_hand,
    template_save,
)
from guanxi.care.models import Channel, Message, MessageSecret, MessageTemplate, Purpose
from guanxi.core.errors import ValidationFailed
from tests.care.smtp import SmtpServer, free_port

CODE = "483920"


@pytest.fixture
def always_quiet(settings):
    """The whole day is quiet hours: anything but a transactional message would wait."""
    settings.GUANXI_QUIET_HOURS = "00:00-23:59"


@pytest.fixture
def customer(make_customer, sales1a):
    return make_customer(sales1a, name="司马相如", mobile="13922230001", email="sm@example.com")


def _smtp(settings, port: int) -> None:
    options = {"host": "127.0.0.1", "port": port, "timeout": 3}
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
    }


def _code_message(customer, channel=Channel.SMS, **extra) -> Message:
    return message_queue(
        new=MessageNew(
            customer=customer,
            template=None,
            channel=channel,
            purpose=Purpose.TRANSACTIONAL,
            subject=f"登录验证码 {CODE}",
            body=f"您的登录验证码是{CODE}，10分钟内有效。",
            secret=CODE,
            **extra,
        )
    )


def _sms_texts(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "guanxi.care.sms"]


def test_a_code_goes_at_once_in_quiet_hours_without_opt_in_and_the_log_is_masked(
    always_quiet, customer, caplog
):
    # the customer's own quiet hours and no marketing opt-in hold nothing either
    contact_preference_set(
        actor=None,
        customer=customer,
        state=ConsentState(quiet_from=dt.time(0), quiet_until=dt.time(23, 59)),
    )
    message = _code_message(customer)
    assert CODE not in message.body and CODE not in message.subject and MASK in message.body
    assert MessageSecret.objects.filter(message=message).exists()
    with caplog.at_level(logging.WARNING, logger="guanxi.care.sms"):
        run = sending.messages_send_due()
    assert run.sent == 1 and run.deferred == 0
    [text] = _sms_texts(caplog)
    assert f"您的登录验证码是{CODE}" in text and "TD" not in text  # no marketing footer
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.masked
    assert message.body == f"您的登录验证码是{MASK}，10分钟内有效。"
    assert not MessageSecret.objects.exists()  # erased once handed over


def test_an_e_mail_code_reaches_a_real_smtp_server_and_only_the_server(
    always_quiet, customer, settings
):
    with SmtpServer() as smtp:
        _smtp(settings, smtp.port)
        message = _code_message(customer, channel=Channel.EMAIL)
        assert sending.messages_send_due().sent == 1
    [received] = smtp.inbox.messages
    assert received["Subject"] == f"登录验证码 {CODE}" and CODE in received.get_content()
    message.refresh_from_db()
    assert message.status == "sent" and CODE not in message.body + message.subject
    assert not MessageSecret.objects.exists()


def test_a_retry_keeps_the_secret_until_the_code_has_gone(customer, settings):
    """A server that is down: the message waits for its retry with its real text kept; the
    next attempt delivers the code, and only then is the text erased."""
    _smtp(settings, free_port())
    message = _code_message(customer, channel=Channel.EMAIL)
    sending.messages_send_due()
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 1
    assert MessageSecret.objects.filter(message=message).exists()
    Message.objects.filter(pk=message.pk).update(send_after=timezone.now())
    with SmtpServer() as smtp:
        _smtp(settings, smtp.port)
        assert sending.messages_send_due().sent == 1
    assert CODE in smtp.inbox.messages[0].get_content()
    assert not MessageSecret.objects.exists()


def test_a_claim_of_a_dead_worker_is_sent_again_with_its_code(customer, caplog):
    message = _code_message(customer)
    dead = f"{socket.gethostname()[:40]}:999999:deadbeef"
    Message.objects.filter(pk=message.pk).update(
        status="sending", claimed_by=dead, claimed_at=timezone.now()
    )
    with caplog.at_level(logging.WARNING, logger="guanxi.care.sms"):
        run = sending.messages_send_due()
    assert run.recovered == 1 and run.sent == 1
    assert CODE in _sms_texts(caplog)[0]


def test_a_code_whose_text_expired_fails_and_a_stale_text_is_purged(customer, caplog):
    late = _code_message(customer, secret_ttl=dt.timedelta(minutes=-1))
    with caplog.at_level(logging.WARNING, logger="guanxi.care.sms"):
        sending.messages_send_due()
    assert _sms_texts(caplog) == []
    late.refresh_from_db()
    assert late.status == "failed" and late.reason == "expired"
    assert not MessageSecret.objects.exists()


def test_do_not_disturb_holds_a_code_and_an_unsubscription_does_not(customer, caplog):
    contact_preference_set(actor=None, customer=customer, state=ConsentState(do_not_disturb=True))
    held = _code_message(customer)
    sending.messages_send_due()
    held.refresh_from_db()
    assert held.status == "suppressed" and held.reason == "dnd"
    assert not MessageSecret.objects.exists()  # suppressed for good: its text is erased
    contact_preference_set(actor=None, customer=customer, state=ConsentState(sms_unsubscribed=True))
    with caplog.at_level(logging.WARNING, logger="guanxi.care.sms"):
        assert sending.messages_send_due().sent == 0
        sent = _code_message(customer)
        assert sending.messages_send_due().sent == 1
    sent.refresh_from_db()
    assert sent.status == "sent" and CODE in _sms_texts(caplog)[-1]


def test_the_rate_limit_applies_and_a_code_goes_before_the_backlog(customer, settings, caplog):
    settings.GUANXI_QUIET_HOURS = "off"
    settings.GUANXI_MESSAGE_RATE_PER_MINUTE = {"email": 0, "sms": 1, "in_app": 0}
    backlog = message_queue(
        new=MessageNew(customer=customer, template=None, channel=Channel.SMS, body="保养提醒")
    )
    code = _code_message(customer)
    with caplog.at_level(logging.WARNING, logger="guanxi.care.sms"):
        assert sending.messages_send_due().sent == 1
        assert sending.messages_send_due().sent == 0  # the minute's budget is spent
    assert Message.objects.get(pk=code.pk).status == "sent"
    assert Message.objects.get(pk=backlog.pk).status == "queued"


def test_the_log_pages_the_api_and_the_360_panel_show_only_the_mask(
    always_quiet, customer, client_for, relations
):
    message = _code_message(customer)
    sending.messages_send_due()
    client = client_for(relations)
    for url in (
        reverse("care:message_list"),
        reverse("care:message_detail", args=[message.pk]),
        reverse("care:customer_messages", args=[customer.pk]),
        "/api/v1/messages",
        f"/api/v1/messages/{message.pk}",
    ):
        answer = client.get(url)
        assert answer.status_code == 200, url
        content = answer.content.decode()
        assert CODE not in content, url
        # the list shows no text; every page that shows it shows the mask
        assert MASK in content or url == reverse("care:message_list"), url
        if url == reverse("care:message_detail", args=[message.pk]):
            assert 'id="gx-message-masked"' in content


def test_only_code_queues_a_transactional_message(customer, relations, marketing, client_for):
    """Not a template a marketing user writes, not the send form, not the API."""
    with pytest.raises(ValidationFailed) as refused:
        template_save(
            actor=marketing,
            data=TemplateData(
                name="验证码", channel="sms", purpose="transactional", subject="", body="x"
            ),
        )
    assert "purpose" in refused.value.field_errors
    assert "transactional" not in dict(TemplateForm().fields["purpose"].choices)
    with pytest.raises(ValidationFailed) as refused:
        message_send_by_hand(
            actor=relations,
            customer=customer,
            template=None,
            channel="sms",
            purpose="transactional",
            body="您的验证码是123456",
        )
    assert "purpose" in refused.value.field_errors
    # a transactional template put in by other means is not offered nor sent by hand
    template = MessageTemplate.objects.create(
        name="验证码", channel="sms", purpose="transactional", body="x"
    )
    assert template not in SendForm().fields["template"].queryset
    with pytest.raises(ValidationFailed):
        message_send_by_hand(actor=relations, customer=customer, template=template)
    answer = client_for(relations).post(
        "/api/v1/messages",
        {"customer_id": customer.pk, "channel": "sms", "purpose": "transactional", "body": "x"},
        content_type="application/json",
    )
    assert answer.status_code == 422 and "purpose" in answer.json()["errors"]
    assert not Message.objects.exists()
    # and code cannot hide a secret in a message that is not transactional
    with pytest.raises(ValueError):
        message_queue(
            new=MessageNew(customer=customer, template=None, channel="sms", body=CODE, secret=CODE)
        )

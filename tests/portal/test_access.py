"""Signing in to the customer portal with a one-time code (INTG-4): the code goes out through
care's message queue (the console SMS adapter's log; a real SMTP server for e-mail), is kept
hashed, expires, is used once, allows a few guesses, and asking for codes is rate-limited."""

import datetime as dt
import logging
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.care.messages import sending
from guanxi.care.models import ContactPreference, Message
from guanxi.portal.access import services
from guanxi.portal.models import PortalCode, PortalSession
from tests.care.smtp import SmtpServer, smtp_mailers


@pytest.fixture
def customer(make_customer, sales1a):
    return make_customer(sales1a, name="门户登录客户", mobile="13922220001", email="li@example.com")


def _sms_code(caplog) -> str:
    """The code out of the text the console SMS adapter logged."""
    texts = [r.getMessage() for r in caplog.records if r.name == "guanxi.care.sms"]
    assert texts, "no SMS went out"
    return re.search(r"\b(\d{6})\b", texts[-1].split("): ", 1)[1]).group(1)


def _ask(client, identifier):
    return client.post(reverse("portal:sign_in"), {"identifier": identifier})


def _pending(response) -> str:
    return re.search(r'name="pending" value="([^"]+)"', response.content.decode()).group(1)


def _ask_and_read(client, caplog, identifier="139 2222 0001"):
    response = _ask(client, identifier)
    assert response.status_code == 200
    with caplog.at_level(logging.WARNING, logger="guanxi.care.sms"):
        assert sending.messages_send_due().sent == 1
    return _pending(response), _sms_code(caplog)


def test_a_customer_signs_in_with_the_code_sent_by_sms(client, customer, caplog):
    """INTG-4: code by SMS (the message adapters), then the portal with its own cookie."""
    pending, code = _ask_and_read(client, caplog)
    stored = PortalCode.objects.get(customer=customer)
    assert code not in stored.code_digest and len(stored.code_digest) == 64  # kept hashed
    message = Message.objects.get(customer=customer)
    assert message.channel == "sms" and message.purpose == "transactional"
    assert code not in message.body and "******" in message.body  # the send log is masked
    response = client.post(reverse("portal:verify"), {"pending": pending, "code": code})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert "gx_portal" in response.cookies and "sessionid" not in response.cookies
    assert response.cookies["gx_portal"]["httponly"]
    page = client.get(reverse("portal:home"))
    assert page.status_code == 200 and "门户登录客户" in page.content.decode()
    # signing out ends the session for good
    client.post(reverse("portal:sign_out"))
    assert not PortalSession.objects.filter(customer=customer, ended_at=None).exists()
    assert client.get(reverse("portal:home")).status_code == 302


def test_a_code_by_e_mail_through_a_real_smtp_server(client, customer, settings):
    with SmtpServer() as smtp:
        settings.MAILERS = smtp_mailers(port=smtp.port)
        response = _ask(client, "LI@example.com")
        assert sending.messages_send_due().sent == 1
        [mail] = smtp.inbox.messages
    assert mail["To"] == "li@example.com"
    code = re.search(r"\b(\d{6})\b", mail.get_content()).group(1)
    assert code not in Message.objects.get(customer=customer).body
    verified = client.post(reverse("portal:verify"), {"pending": _pending(response), "code": code})
    assert verified.status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_message(client, customer):
    response = _ask(client, "13900009999")
    assert response.status_code == 200 and 'name="pending"' in response.content.decode()
    assert not Message.objects.exists()
    assert PortalCode.objects.get().customer is None
    # and no code of it ever signs in
    for guess in ("000000", "123456"):
        verified = client.post(
            reverse("portal:verify"), {"pending": _pending(response), "code": guess}
        )
        assert verified.status_code == 422


def test_a_wrong_code_then_too_many_guesses_void_the_code(client, customer, caplog):
    pending, code = _ask_and_read(client, caplog)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.MAX_ATTEMPTS):
        response = client.post(reverse("portal:verify"), {"pending": pending, "code": wrong})
        assert response.status_code == 422
        assert "invalid-feedback" in response.content.decode()
    assert PortalCode.objects.get(customer=customer).attempts == services.MAX_ATTEMPTS
    # the right code is refused now: the guesses used it up
    response = client.post(reverse("portal:verify"), {"pending": pending, "code": code})
    assert response.status_code == 422
    assert not PortalSession.objects.exists()


def test_a_code_is_used_once(client, customer, caplog):
    pending, code = _ask_and_read(client, caplog)
    assert (
        client.post(reverse("portal:verify"), {"pending": pending, "code": code}).status_code == 302
    )
    other = client.__class__()
    again = other.post(reverse("portal:verify"), {"pending": pending, "code": code})
    assert again.status_code == 422
    assert PortalSession.objects.count() == 1


def test_an_expired_code_is_refused(client, customer, caplog):
    pending, code = _ask_and_read(client, caplog)
    PortalCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.post(reverse("portal:verify"), {"pending": pending, "code": code})
    assert response.status_code == 422 and not PortalSession.objects.exists()


def test_only_the_latest_code_counts(client, customer, caplog):
    _first_pending, first = _ask_and_read(client, caplog)
    caplog.clear()
    pending, second = _ask_and_read(client, caplog)
    if first != second:
        refused = client.post(reverse("portal:verify"), {"pending": pending, "code": first})
        assert refused.status_code == 422
    assert (
        client.post(reverse("portal:verify"), {"pending": pending, "code": second}).status_code
        == 302
    )


def test_a_forged_pending_token_starts_over(client, customer):
    response = client.post(reverse("portal:verify"), {"pending": "forged", "code": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:sign_in")


def test_codes_are_rate_limited_per_address_and_per_client(client, customer):
    for _ in range(services.PER_IDENTIFIER):
        assert _ask(client, "13922220001").status_code == 200
    refused = _ask(client, "+86 139 2222 0001")  # the same number in another notation
    assert refused.status_code == 422 and "invalid-feedback" in refused.content.decode()
    assert PortalCode.objects.count() == services.PER_IDENTIFIER
    # per client address, whatever the numbers asked for
    for n in range(services.PER_IP - services.PER_IDENTIFIER):
        assert _ask(client, f"1390000{n:04d}").status_code == 200
    assert _ask(client, "13900007777").status_code == 422


def test_a_malformed_address_is_a_field_error(client, customer):
    for bad in ("", "not-an-address@", "12ab"):
        response = _ask(client, bad)
        assert response.status_code == 422
    assert not PortalCode.objects.exists()


def test_the_code_ignores_a_staff_session(client_for, sales1a, customer, caplog):
    """Signing in as a consultant does not sign anyone in to the portal, and the portal
    cookie made by the code sign-in does not sign anyone in as staff."""
    staff = client_for(sales1a)
    assert staff.get(reverse("portal:home")).status_code == 302
    pending, code = _ask_and_read(staff, caplog)
    assert (
        staff.post(reverse("portal:verify"), {"pending": pending, "code": code}).status_code == 302
    )
    # the same browser now has both; each part reads its own
    assert staff.get(reverse("portal:home")).status_code == 200


def test_a_code_asked_for_in_quiet_hours_comes_at_once(client, customer, settings, caplog):
    """Issue 16 §5: a code is a transactional message — quiet hours (all day here) do not hold
    it, no marketing opt-in is asked for, and the customer signs in at night."""
    settings.GUANXI_QUIET_HOURS = "00:00-23:59"
    pending, code = _ask_and_read(client, caplog)
    assert Message.objects.get(customer=customer).status == "sent"
    verified = client.post(reverse("portal:verify"), {"pending": pending, "code": code})
    assert verified.status_code == 302


def test_do_not_disturb_holds_the_code_and_the_page_answers_the_same(client, customer, caplog):
    """docs/decisions.md "Transactional messages": whoever types an address asks for a code,
    so a customer on do-not-disturb gets none; the page does not tell."""
    ContactPreference.objects.create(customer=customer, do_not_disturb=True)
    response = _ask(client, "13922220001")
    assert response.status_code == 200 and 'name="pending"' in response.content.decode()
    with caplog.at_level(logging.WARNING, logger="guanxi.care.sms"):
        assert sending.messages_send_due().sent == 0
    assert Message.objects.get(customer=customer).status == "suppressed"


def test_old_codes_and_sessions_are_purged_by_the_nightly_task(client, customer, caplog):
    from guanxi.portal.access.tasks import purge_portal_access

    pending, code = _ask_and_read(client, caplog)
    client.post(reverse("portal:verify"), {"pending": pending, "code": code})
    _ask(client, "13922220001")  # a second, fresh code stays
    old = timezone.now() - services.KEEP - dt.timedelta(days=1)
    PortalCode.objects.filter(used_at__isnull=False).update(expires_at=old)
    PortalSession.objects.update(expires_at=old)
    result = purge_portal_access.enqueue().return_value
    assert result == {"codes": 1, "sessions": 1}
    assert PortalCode.objects.count() == 1 and not PortalSession.objects.exists()

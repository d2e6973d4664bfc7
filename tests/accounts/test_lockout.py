"""Login limits (issue 11 §4, django-axes): failures count per (username, address) and per
address, so one address cannot lock an account out for everyone; an unknown username gets the
same answer as a known one; a wrong current password on the profile page counts too."""

from unittest import mock

import pytest
from django.conf import settings

from guanxi.accounts.demo import DEMO_PASSWORD
from guanxi.accounts.models import User
from guanxi.accounts.selectors import locked_usernames
from guanxi.accounts.services import user_unlock
from guanxi.core.models import AuditLog

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ATTACKER = "203.0.113.7"
OFFICE = "198.51.100.20"


def _login(client, username, password, ip=ATTACKER, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def _fail(client, username, times, ip=ATTACKER):
    for _ in range(times):
        _login(client, username, "wrong", ip=ip)


def test_five_failures_lock_the_pair_even_for_the_right_password(client, sales1a):
    for _ in range(settings.GUANXI_LOGIN_MAX_FAILURES - 1):
        response = _login(client, "sales1a", "wrong")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    assert "sales1a" not in locked_usernames(usernames=["sales1a"])

    response = _login(client, "sales1a", "wrong")
    assert response.status_code == 429
    assert "sales1a" in locked_usernames(usernames=["sales1a"])

    response = _login(client, "sales1a", DEMO_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(
        action=AuditLog.Action.LOCKED, target_id=str(sales1a.pk)
    ).exists()


def test_one_address_cannot_lock_the_admin_out_for_everyone(client, admin_user):
    """Five requests from one address used to lock `admin` for 15 minutes everywhere."""
    _fail(client, "admin", settings.GUANXI_LOGIN_MAX_FAILURES, ip=ATTACKER)
    assert _login(client, "admin", DEMO_PASSWORD, ip=ATTACKER).status_code == 429

    response = _login(client, "admin", DEMO_PASSWORD, ip=OFFICE)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_an_address_is_limited_whatever_the_usernames(client, settings, sales1a):
    settings.GUANXI_LOGIN_MAX_FAILURES_PER_ADDRESS = 8
    for number in range(8):
        _login(client, f"guess{number}", "wrong")
    # the address is refused now, even for a real user with the right password …
    assert _login(client, "sales1a", DEMO_PASSWORD).status_code == 429
    # … and other addresses are not
    assert _login(client, "sales1a", DEMO_PASSWORD, ip=OFFICE).status_code == 302


def test_unknown_and_known_usernames_get_the_same_answer(client):
    def answers(username, ip):
        seen = []
        for _ in range(settings.GUANXI_LOGIN_MAX_FAILURES + 1):
            response = _login(client, username, "wrong", ip=ip)
            text = response.content.decode().replace(username, "USER")
            start = text.index('<form method="post" action="/accounts/login/"')
            body = text[start : text.index("</form>", start)]
            seen.append((response.status_code, _without_csrf(body)))
        return seen

    assert answers("sales1a", "192.0.2.1") == answers("nosuchperson", "192.0.2.2")


def _without_csrf(html: str) -> str:
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_an_unknown_username_costs_a_password_hash_too(client, org):
    with mock.patch.object(User, "set_password", autospec=True) as hashed:
        _login(client, "nosuchperson", "wrong")
    assert hashed.called


def test_locked_message_names_the_minutes_in_the_readers_language(client, settings):
    settings.GUANXI_LOGIN_LOCK_MINUTES = 15
    _fail(client, "sales1a", settings.GUANXI_LOGIN_MAX_FAILURES)
    response = _login(client, "sales1a", DEMO_PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert "Try again in 15 minutes" in response.content.decode()
    response = _login(client, "sales1a", DEMO_PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "15 分钟" in response.content.decode()


def test_unlock_forgets_the_failures_and_is_audited(client, sales1a, admin_user):
    _fail(client, "sales1a", settings.GUANXI_LOGIN_MAX_FAILURES)
    assert "sales1a" in locked_usernames(usernames=["sales1a"])
    user_unlock(user=sales1a, actor=admin_user)
    assert "sales1a" not in locked_usernames(usernames=["sales1a"])
    response = _login(client, "sales1a", DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(sales1a.pk)
    entry = AuditLog.objects.filter(action=AuditLog.Action.UNLOCK).latest("id")
    assert entry.actor == admin_user and entry.target_id == str(sales1a.pk)


def test_admin_unlocks_through_the_page(client, client_for, admin_user, sales1a):
    _fail(client, "sales1a", settings.GUANXI_LOGIN_MAX_FAILURES)
    page = client_for(admin_user).get(f"/accounts/admin/users/{sales1a.pk}/")
    assert f"/accounts/admin/users/{sales1a.pk}/unlock/" in page.content.decode()
    response = client_for(admin_user).post(f"/accounts/admin/users/{sales1a.pk}/unlock/")
    assert response.status_code == 302
    assert "sales1a" not in locked_usernames(usernames=["sales1a"])


def test_consultant_cannot_unlock(client, client_for, sales1a, sales1b):
    _fail(client, "sales1b", settings.GUANXI_LOGIN_MAX_FAILURES)
    response = client_for(sales1a).post(f"/accounts/admin/users/{sales1b.pk}/unlock/")
    assert response.status_code == 403
    assert "sales1b" in locked_usernames(usernames=["sales1b"])


def test_wrong_current_passwords_on_the_profile_page_are_limited(client_for, sales1a):
    """The old-password check was an unlimited password oracle for anyone at an open session."""
    client = client_for(sales1a)
    form = {
        "old_password": "wrong",
        "new_password": "Xq7!long-pass",
        "new_password2": "Xq7!long-pass",
    }
    for _ in range(settings.GUANXI_LOGIN_MAX_FAILURES - 1):
        response = client.post("/accounts/profile/password/", form, REMOTE_ADDR=ATTACKER)
        assert response.status_code == 422
    response = client.post("/accounts/profile/password/", form, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
    right = {**form, "old_password": DEMO_PASSWORD}
    response = client.post("/accounts/profile/password/", right, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
    sales1a.refresh_from_db()
    assert sales1a.check_password(DEMO_PASSWORD)
    # nor may the login page be used from that address for that user
    assert _login(client, "sales1a", DEMO_PASSWORD).status_code == 429


def test_the_forwarded_address_is_believed_only_behind_a_named_proxy(client, settings):
    _fail(client, "sales1a", settings.GUANXI_LOGIN_MAX_FAILURES)
    # without a trusted proxy, X-Forwarded-For is the client's word and changes nothing
    spoofed = _login(client, "sales1a", DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert spoofed.status_code == 429
    settings.TRUSTED_PROXY_COUNT = 1
    # behind one proxy the right-most address is the client's; what it wrote itself is not
    response = _login(
        client,
        "sales1a",
        DEMO_PASSWORD,
        ip="10.0.0.1",
        HTTP_X_FORWARDED_FOR=f"192.0.2.99, {ATTACKER}",
    )
    assert response.status_code == 429
    response = _login(client, "sales1a", DEMO_PASSWORD, ip="10.0.0.1", HTTP_X_FORWARDED_FOR=OFFICE)
    assert response.status_code == 302

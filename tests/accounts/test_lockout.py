"""Lock-out after repeated failed logins (issue item 2)."""

import pytest
from django.conf import settings

from guanxi.accounts.demo import DEMO_PASSWORD
from guanxi.accounts.models import User
from guanxi.accounts.services import user_unlock
from guanxi.core.models import AuditLog

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_five_failures_lock_the_account_even_for_the_right_password(client, sales1a):
    for _ in range(settings.GUANXI_LOGIN_MAX_FAILURES - 1):
        response = _login(client, "sales1a", "wrong")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    sales1a.refresh_from_db()
    assert not sales1a.is_locked
    assert sales1a.failed_logins == settings.GUANXI_LOGIN_MAX_FAILURES - 1

    response = _login(client, "sales1a", "wrong")
    sales1a.refresh_from_db()
    assert sales1a.is_locked
    assert "locked" in response.content.decode().lower() or "锁定" in response.content.decode()

    response = _login(client, "sales1a", DEMO_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(
        action=AuditLog.Action.LOCKED, target_id=str(sales1a.pk)
    ).exists()


def test_locked_message_names_the_minutes(client, sales1a, settings):
    settings.GUANXI_LOGIN_LOCK_MINUTES = 15
    settings.LANGUAGE_CODE = "en"
    for _ in range(settings.GUANXI_LOGIN_MAX_FAILURES):
        _login(client, "sales1a", "wrong")
    response = client.post(
        LOGIN, {"username": "sales1a", "password": DEMO_PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    text = response.content.decode()
    assert "15 minutes" in text


def test_unlock_resets_and_the_right_password_works_again(client, sales1a):
    for _ in range(settings.GUANXI_LOGIN_MAX_FAILURES):
        _login(client, "sales1a", "wrong")
    sales1a.refresh_from_db()
    assert sales1a.is_locked
    user_unlock(user=sales1a)
    sales1a.refresh_from_db()
    assert not sales1a.is_locked and sales1a.failed_logins == 0
    response = _login(client, "sales1a", DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(sales1a.pk)


def test_admin_unlocks_through_the_page(client, client_for, admin_user, sales1a):
    for _ in range(settings.GUANXI_LOGIN_MAX_FAILURES):
        _login(client, "sales1a", "wrong")
    assert User.objects.get(pk=sales1a.pk).is_locked
    response = client_for(admin_user).post(f"/accounts/admin/users/{sales1a.pk}/unlock/")
    assert response.status_code == 302
    assert not User.objects.get(pk=sales1a.pk).is_locked


def test_consultant_cannot_unlock(client, client_for, sales1a, sales1b):
    for _ in range(settings.GUANXI_LOGIN_MAX_FAILURES):
        _login(client, "sales1b", "wrong")
    response = client_for(sales1a).post(f"/accounts/admin/users/{sales1b.pk}/unlock/")
    assert response.status_code == 403
    assert User.objects.get(pk=sales1b.pk).is_locked


def test_success_resets_the_failure_count(client, sales1a):
    _login(client, "sales1a", "wrong")
    _login(client, "sales1a", "wrong")
    assert _login(client, "sales1a", DEMO_PASSWORD).status_code == 302
    sales1a.refresh_from_db()
    assert sales1a.failed_logins == 0

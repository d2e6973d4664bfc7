"""API tokens (issue 11 §4, INTG-2): a token can expire; administrators list and revoke any
user's tokens; a password reset (by default) and a deactivation revoke the user's tokens."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from guanxi.accounts import services
from guanxi.accounts.models import ApiToken
from guanxi.core.errors import ValidationFailed
from guanxi.core.models import AuditLog

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"
NEW_PASSWORD = "Xq7!long-pass"


def _bearer(raw):
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_an_expired_token_is_refused(sales1a):
    token, raw = services.token_create(
        user=sales1a, name="short", expires_at=timezone.now() + dt.timedelta(days=1)
    )
    assert _bearer(raw).get(ME).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _bearer(raw).get(ME)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_expiry_must_lie_ahead(sales1a):
    with pytest.raises(ValidationFailed) as caught:
        services.token_create(user=sales1a, name="x", expires_at=timezone.now())
    assert "expires_at" in caught.value.field_errors


def test_the_profile_page_creates_a_token_with_an_expiry(client_for, sales1a):
    response = client_for(sales1a).post(
        "/accounts/profile/tokens/", {"name": "phone", "expires": "30"}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=sales1a, name="phone")
    left = token.expires_at - timezone.now()
    assert dt.timedelta(days=29) < left <= dt.timedelta(days=30)


def test_the_api_creates_a_token_with_an_expiry(client_for, sales1a):
    until = (timezone.now() + dt.timedelta(days=7)).replace(microsecond=0)
    response = client_for(sales1a).post(
        "/api/v1/tokens",
        {"name": "ci", "expires_at": until.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert ApiToken.objects.get(user=sales1a, name="ci").expires_at == until


def test_an_administrator_lists_and_revokes_any_users_token(client_for, admin_user, sales1a):
    token, raw = services.token_create(user=sales1a, name="integration")
    admin = client_for(admin_user)
    page = admin.get("/accounts/admin/tokens/", {"user": sales1a.pk})
    assert page.status_code == 200 and "integration" in page.content.decode()
    listed = admin.get("/api/v1/admin/tokens", {"user_id": sales1a.pk}).json()
    assert [row["name"] for row in listed] == ["integration"]
    assert listed[0]["user"]["id"] == sales1a.pk

    response = admin.post(f"/accounts/admin/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert _bearer(raw).get(ME).status_code == 401
    entry = AuditLog.objects.filter(action=AuditLog.Action.TOKEN).latest("id")
    assert (entry.actor, entry.target_id) == (admin_user, str(token.pk))

    other, _raw = services.token_create(user=sales1a, name="second")
    assert admin.delete(f"/api/v1/admin/tokens/{other.pk}").status_code == 204
    other.refresh_from_db()
    assert other.revoked_at is not None


def test_a_consultant_may_not_see_or_revoke_others_tokens(client_for, sales1a, sales1b):
    token, raw = services.token_create(user=sales1b, name="theirs")
    client = client_for(sales1a)
    assert client.get("/accounts/admin/tokens/").status_code == 403
    assert client.post(f"/accounts/admin/tokens/{token.pk}/revoke/").status_code == 403
    assert client.get("/api/v1/admin/tokens").status_code == 403
    assert client.delete(f"/api/v1/admin/tokens/{token.pk}").status_code == 403
    assert _bearer(raw).get(ME).status_code == 200


def test_a_password_reset_revokes_the_tokens_unless_told_not_to(client_for, admin_user, sales1a):
    _token, raw = services.token_create(user=sales1a, name="kept")
    admin = client_for(admin_user)
    url = f"/accounts/admin/users/{sales1a.pk}/password/"
    form = admin.get(f"/accounts/admin/users/{sales1a.pk}/").content.decode()
    assert (
        'name="revoke_tokens"' in form and "checked" in form.split('name="revoke_tokens"')[1][:80]
    )
    admin.post(url, {"new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert _bearer(raw).get(ME).status_code == 200

    admin.post(
        url, {"new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "revoke_tokens": "on"}
    )
    assert _bearer(raw).get(ME).status_code == 401
    entry = AuditLog.objects.filter(action=AuditLog.Action.PASSWORD_RESET).latest("id")
    assert entry.detail["tokens_revoked"] == 1


def test_deactivation_revokes_the_tokens(admin_user, sales1a):
    _token, raw = services.token_create(user=sales1a, name="gone")
    services.user_update(
        user=sales1a,
        actor=admin_user,
        display_name=sales1a.display_name,
        department=sales1a.department,
        reports_to=sales1a.reports_to,
        roles=list(sales1a.roles.all()),
        is_active=False,
    )
    services.user_update(
        user=sales1a,
        actor=admin_user,
        display_name=sales1a.display_name,
        department=sales1a.department,
        reports_to=sales1a.reports_to,
        roles=list(sales1a.roles.all()),
        is_active=True,
    )
    assert _bearer(raw).get(ME).status_code == 401

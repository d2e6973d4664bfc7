"""Headers of a site that keeps customers' data (issue 11 §4): nothing private cached,
Server-Timing only when asked for, a spoofed Host refused, HTTPS settings for production."""

import os
import subprocess
import sys

import pytest


@pytest.mark.django_db
def test_signed_in_pages_and_the_api_are_not_stored(client_for, sales1a):
    client = client_for(sales1a)
    for path in ("/customers/", "/api/v1/users/me"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "no-store", path
        assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_anonymous_pages_have_the_permissions_policy(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "microphone=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_server_timing_only_when_switched_on(client, settings):
    assert not client.get("/accounts/login/").has_header("Server-Timing")
    settings.SERVER_TIMING = True
    assert client.get("/accounts/login/")["Server-Timing"].startswith("app;dur=")


@pytest.mark.django_db
def test_a_spoofed_host_cannot_steer_the_login_redirect(client):
    response = client.get("/accounts/login/?next=//evil.example/", headers={"host": "evil.example"})
    assert response.status_code == 400


def _settings_in_subprocess(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    """`code` run where the settings module has been loaded with `env` (what a start does
    first; the apps are not loaded, as settings do not depend on them)."""
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"from django.conf import settings; settings.DEBUG; {code}"],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("GUANXI_")},
            "GUANXI_DATA_DIR": os.environ.get("GUANXI_DATA_DIR", ""),
            "DJANGO_SETTINGS_MODULE": "guanxi.settings",
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


def test_https_switch_sets_secure_cookies_hsts_and_proxy_header():
    done = _settings_in_subprocess(
        {"GUANXI_HTTPS": "1", "GUANXI_ALLOWED_HOSTS": "crm.example.com"},
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, "
        "s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS)",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == (
        "True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') ['crm.example.com'] "
        "['https://crm.example.com']"
    )


def test_https_without_named_hosts_refuses_to_start():
    env = {"GUANXI_HTTPS": "1"}
    done = (
        _settings_in_subprocess(env, "pass") if "GUANXI_ALLOWED_HOSTS" not in os.environ else None
    )
    if done is None:
        pytest.skip("GUANXI_ALLOWED_HOSTS is set in this environment")
    assert done.returncode != 0
    assert "GUANXI_ALLOWED_HOSTS" in done.stderr


@pytest.mark.once  # three processes reading settings, no database: one CI phase runs it
def test_forwarded_addresses_are_believed_only_behind_https_proxies():
    """X-Forwarded-For decides the address login limits count (docs/deployment.md): read
    only with GUANXI_HTTPS=1 (one proxy) or as many proxies as GUANXI_TRUSTED_PROXIES says."""
    code = "from django.conf import settings as s; print(s.TRUSTED_PROXY_COUNT)"
    plain = _settings_in_subprocess({}, code)
    behind = _settings_in_subprocess(
        {"GUANXI_HTTPS": "1", "GUANXI_ALLOWED_HOSTS": "crm.example.com"}, code
    )
    two = _settings_in_subprocess(
        {
            "GUANXI_HTTPS": "1",
            "GUANXI_ALLOWED_HOSTS": "crm.example.com",
            "GUANXI_TRUSTED_PROXIES": "2",
        },
        code,
    )
    assert [done.stdout.strip() for done in (plain, behind, two)] == ["0", "1", "2"], (
        plain.stderr + behind.stderr + two.stderr
    )

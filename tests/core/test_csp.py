"""Content-Security-Policy (issue 11 §4): scripts only from this site's files — so the pages
may carry no inline script, no on…= handler, no javascript: URL and no hx-on (htmx evaluates
those), and no <style> element. Checked on the pages as the administrator sees them."""

import pytest

from tests.html_checks import inline_code as _inline_code

pytestmark = pytest.mark.django_db

PAGES = [
    "/accounts/profile/",
    "/accounts/admin/",
    "/accounts/admin/departments/",
    "/accounts/admin/departments/new/",
    "/accounts/admin/users/",
    "/accounts/admin/users/new/",
    "/accounts/admin/tokens/",
    "/accounts/admin/roles/",
    "/accounts/admin/audit/",
    "/accounts/admin/custom-fields/",
    "/accounts/admin/duplicate-rules/",
    "/accounts/admin/tags/",
    "/accounts/admin/sources/",
    "/customers/",
    "/customers/new/",
    "/customers/recycle-bin/",
    "/customers/handover/",
    "/pipeline/",
    "/pipeline/pools/",
    "/pipeline/board/",
    "/pipeline/funnel/",
    "/pipeline/team/",
    "/pipeline/scripts/",
    "/pipeline/scripts/new/",
    "/sales/",
    "/sales/deliveries/",
    "/sales/catalog/products/",
    "/sales/catalog/price-lists/",
    "/sales/catalog/quotes/",
    "/sales/catalog/quotes/new/",
    "/sales/approvals/",
    "/sales/approvals/flows/",
    "/sales/approvals/flows/new/",
    "/sales/receivables/",
    "/sales/reports/manager/",
    "/sales/reports/targets/",
    "/api/v1/docs",
]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_the_policy_allows_no_inline_script_or_eval(client):
    response = client.get("/accounts/login/")
    assert _inline_code(response.content.decode()) == []
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["style-src-elem"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_the_policy_and_no_inline_code(client_for, admin_user, path):
    response = client_for(admin_user).get(path)
    assert response.status_code == 200, path
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert _inline_code(response.content.decode()) == [], path


def test_record_pages_have_no_inline_code(client_for, admin_user, make_customer):
    customer = make_customer(admin_user, name="内联检查")
    client = client_for(admin_user)
    for path in (f"/customers/{customer.pk}/", f"/customers/{customer.pk}/edit/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert _inline_code(response.content.decode()) == [], path


def test_the_checker_finds_what_the_policy_refuses():
    html = (
        '<script>alert(1)</script><button onclick="x()">b</button><a href="javascript:x()">a</a>'
        '<div hx-on:click="x()"></div><div x-data="{}"></div><style>p{}</style>'
        '<script type="application/json">{}</script><script src="/static/a.js"></script>'
    )
    assert len(_inline_code(html)) == 6

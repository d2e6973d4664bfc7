"""Pages under the Content-Security-Policy in a real browser (issue 11 §4): what the inline
Alpine and on…= code did before now comes from static files, and the API docs (Swagger UI,
served locally) still work. The open_browser fixture fails the test on any CSP refusal."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _log_in(page, base, username):
    from guanxi.accounts.demo import DEMO_PASSWORD

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action*='login'] button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_forms_switch_parts_without_inline_code_and_the_api_docs_load(
    live_server, admin_user, open_browser
):
    page = open_browser(1280, 900)
    _log_in(page, live_server.url, "admin")

    # customer form: the organisation fields appear for an organisation, the person's go
    page.goto(f"{live_server.url}/customers/new/")
    credit_code = page.locator("input[name=credit_code]")
    gender = page.locator("[name=gender]")
    assert credit_code.is_hidden() and gender.is_visible()
    page.check("input[name=kind][value=organisation]")
    assert credit_code.is_visible() and gender.is_hidden()
    page.check("input[name=kind][value=person]")
    assert credit_code.is_hidden()

    # approval flow: a step's role field only for the "role" kind
    page.goto(f"{live_server.url}/sales/approvals/flows/new/")
    step = page.locator(".gx-step").first
    role = step.locator("[data-gx-show-if=role]")
    assert role.is_hidden()
    step.locator("select[name$='-kind']").select_option("role")
    assert role.is_visible()

    # profile: a new token's copy button (was an inline script)
    page.goto(f"{live_server.url}/accounts/profile/")
    page.fill("input[name=name]", "browser")
    page.click("form[action$='/profile/tokens/'] button[type=submit]")
    page.locator("[data-copy-target]").click()
    assert page.locator("[data-copy-target]").inner_text() in ("已复制", "Copied")

    # Swagger UI from local files renders the operations
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()

"""A consultant logs in, creates 张伟明, finds him by "zwm" and opens the 360 page — in Chromium."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser_page():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("GUANXI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and GUANXI_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is not installed")
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop; Django's ORM is called from the same thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def test_consultant_creates_finds_and_opens_a_customer(live_server, sales1a, browser_page):
    from guanxi.accounts.demo import DEMO_PASSWORD
    from guanxi.customers.models import Customer

    page = browser_page
    page.goto(f"{live_server.url}/customers/")
    # Not logged in: sent to the login form.
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "sales1a")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action*='login'] button[type=submit]")
    page.wait_for_url("**/customers/**")

    page.goto(f"{live_server.url}/customers/new/")
    page.fill("input[name=name]", "张伟明")
    page.fill("input[name=mobile]", "+86 138-0013-8000")
    page.click("form.gx-customer-form button[type=submit]")
    page.wait_for_url("**/customers/*/")
    assert "张伟明" in page.inner_text("h2.page-title")

    customer = Customer.objects.get(name="张伟明")
    assert customer.mobile == "+8613800138000"
    assert customer.owner_id == sales1a.pk

    page.goto(f"{live_server.url}/customers/?q=zwm")
    link = page.locator("#customer-results a", has_text="张伟明")
    assert link.count() == 1
    assert "138****8000" in page.inner_text("#customer-results")
    link.click()
    page.wait_for_url(f"**/customers/{customer.pk}/")
    assert "张伟明" in page.inner_text("h2.page-title")
    assert "138****8000" in page.content()

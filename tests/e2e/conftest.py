"""Real Chromium (Debian's package) driven by Playwright for the browser tests.

In CI (GUANXI_REQUIRE_BROWSER=1) a missing browser fails the run instead of skipping.
"""

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


@pytest.fixture
def open_browser():
    """open_browser(width, height) → a Playwright page in headless Chromium, zh-CN locale."""
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
        contexts = []

        def _open(width: int, height: int):
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale="zh-CN"
            )
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(15_000)
            return page

        try:
            yield _open
        finally:
            for context in contexts:
                context.close()
            browser.close()

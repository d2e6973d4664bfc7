"""Real Chromium (Debian's package) driven by Playwright for the browser tests.

In CI (GUANXI_REQUIRE_BROWSER=1) a missing browser fails the run instead of skipping.
"""

import os
import shutil
import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread

CHROMIUM = "/usr/bin/chromium"


class SerialWSGIServer(ThreadedWSGIServer):
    """The live server, one request at a time. On SQLite the tests' in-memory database is one
    connection that the server shares; a page that loads three htmx panels at once made
    three request threads use it together ("bad parameter or other API misuse", a 500).
    Connections stay threaded (Chromium opens idle sockets ahead of time, which would stall a
    single-threaded server); only the application call, body included, takes turns."""

    _turn = threading.Lock()

    def get_app(self):
        application = super().get_app()

        def one_at_a_time(environ, start_response):
            with self._turn:
                result = application(environ, start_response)
                try:
                    return [b"".join(result)]
                finally:
                    if hasattr(result, "close"):
                        result.close()

        return one_at_a_time


if connection.vendor == "sqlite":
    LiveServerThread.server_class = SerialWSGIServer

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
        # Whatever the Content-Security-Policy refused on any page of the test (issue 11 §4):
        # an inline script or handler a template still has would be silently dead otherwise.
        refused: list[str] = []

        def _watch(message):
            if "Content Security Policy" in message.text:
                refused.append(f"{message.location.get('url', '')}: {message.text}")

        def _open(width: int, height: int):
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale="zh-CN"
            )
            contexts.append(context)
            page = context.new_page()
            page.on("console", _watch)
            page.set_default_timeout(15_000)
            return page

        try:
            yield _open
        finally:
            for context in contexts:
                context.close()
            browser.close()
        assert refused == [], "\n".join(refused)

"""The customer portal on a phone (INTG-4), in Chromium at 390 px: a customer asks for a
code with their mobile, the code goes out through the message queue (the console SMS
adapter's log), they enter it and see their contract with its payment plan, and nothing is
wider than the screen."""

import os
import re
from pathlib import Path

import pytest

from guanxi.care.messages import sending
from tests.sales.factories import make_contract

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _fits(page, shots: Path, name: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / f"portal-{name}-390.png"), full_page=True)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"] + 1, (name, widths)


def test_a_customer_signs_in_with_a_code_and_sees_their_contract(
    live_server, sales1a, make_customer, open_browser, settings, caplog, tmp_path
):
    settings.GUANXI_QUIET_HOURS = "off"
    shots = Path(os.environ.get("GUANXI_E2E_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    customer = make_customer(sales1a, name="手机门户客户", mobile="13966660001")
    contract = make_contract(sales1a, customer, total="9000.00")

    page = open_browser(390, 844)
    page.goto(f"{live_server.url}/portal/")
    assert page.url.endswith("/portal/sign-in/")
    _fits(page, shots, "sign-in")
    page.fill("input[name=identifier]", "139 6666 0001")
    page.click("button[type=submit].w-100")
    page.wait_for_selector("input[name=code]")
    _fits(page, shots, "code")

    # the request queued the message; its commit ran the send task (tasks run at once in
    # tests), which handed the text to the console SMS adapter
    sending.messages_send_due()
    [text] = [r.getMessage() for r in caplog.records if r.name == "guanxi.care.sms"]
    code = re.search(r"\b(\d{6})\b", text.split("): ", 1)[1]).group(1)

    page.fill("input[name=code]", code)
    page.click("button[type=submit].w-100")
    page.wait_for_selector("[data-testid=portal-contract]")
    assert "手机门户客户" in page.content()
    _fits(page, shots, "home")
    page.click("[data-testid=portal-contract]")
    page.wait_for_selector("[data-testid=contract-pdf]")
    assert contract.number in page.content()
    _fits(page, shots, "contract")
    # the download is the contract PDF
    with page.expect_download() as download:
        page.click("[data-testid=contract-pdf]")
    assert download.value.suggested_filename == f"{contract.number}.pdf"

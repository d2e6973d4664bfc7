"""来电弹屏 (SRV-3) in Chromium at 390 and 1280 px: the agent has a page open, the softphone
reports a ringing call with its integration token, and the caller's card appears in the
agent's browser within 2 seconds; one click logs the call, prefilled with the customer and
the ring, and it is on the call log."""

import json
import os
import time
from pathlib import Path

import pytest
from django.test import Client

from guanxi.accounts.demo import DEMO_PASSWORD
from guanxi.service.models import Call, Ring
from tests.service.calls_factories import integration_token

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("width", (390, 1280))
def test_a_ringing_call_pops_the_card_and_is_logged(
    width, live_server, agent, admin_user, sales1a, make_customer, open_browser, tmp_path
):
    shots = Path(os.environ.get("GUANXI_E2E_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    caller = make_customer(sales1a, name="弹屏客户", mobile="13900138000")
    _token, raw = integration_token(admin_user)
    base = live_server.url
    page = open_browser(width, 900)
    page.goto(f"{base}/")
    page.fill("input[name=username]", "agent")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action*='login'] button[type=submit]")
    page.wait_for_selector("#gx-ringing", state="attached")
    page.wait_for_load_state("load")

    # The softphone reports the call (a separate client: what a CTI server posts).
    cti = Client(headers={"Authorization": f"Bearer {raw}"})
    rang = time.monotonic()
    response = cti.post(
        "/api/v1/calls/ringing",
        json.dumps({"number": "+86 139-0013-8000", "agent": "agent"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    page.wait_for_selector(".gx-ringing .gx-caller-card", timeout=2_000)
    assert time.monotonic() - rang <= 2.0
    card = page.locator(".gx-ringing")
    assert "弹屏客户" in card.inner_text() and "139****8000" in card.inner_text()
    box = card.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    page.screenshot(path=str(shots / f"calls-ringing-{width}.png"))

    # One click from the card: the call form, prefilled with the customer and the ring.
    page.click(".gx-ringing .gx-caller-card a.btn-primary")
    page.wait_for_selector("#gx-call-form")
    assert "弹屏客户" in page.inner_text(".page-header")
    page.click("#gx-call-form input[name=type][value=inquiry]")
    page.fill("#gx-call-form textarea[name=notes]", "询问保养")
    page.click("#gx-call-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    call = Call.objects.get()
    assert call.customer_id == caller.pk and call.agent_id == agent.pk
    assert call.number == "+8613900138000"
    assert Ring.objects.get().call_id == call.pk
    page.screenshot(path=str(shots / f"calls-logged-{width}.png"), full_page=True)

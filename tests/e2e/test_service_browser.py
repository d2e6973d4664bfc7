"""After sales end to end in Chromium (issue 15: SRV-3, CMP-1..4, SAT-1..3): a ringing call
pops the caller's card for the agent; the agent logs the call as a complaint, which opens the
complaint prefilled; a routing rule gives it to the agent at once; the agent goes through the
five steps and closes it; the customer confirms on the one-time survey link at 390 px; then
the complaint statistics and the satisfaction report count it."""

import json
import os
import re
from pathlib import Path

import pytest
from django.test import Client

from guanxi.accounts.demo import DEMO_PASSWORD
from guanxi.care.models import Message
from guanxi.service.models import Complaint, ComplaintRoute
from tests.service.calls_factories import integration_token
from tests.service.factories import category

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action*='login'] button[type=submit]")
    page.wait_for_load_state("load")


def _fits(page) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"] + 1, widths


def _received_total(page) -> int:
    """The complaints of the period, summed over the "By channel" rows."""
    return sum(int(n) for n in page.locator("#gx-stats-channel .fw-bold").all_inner_texts())


def test_a_call_becomes_a_complaint_closed_and_confirmed_by_the_customer(
    live_server, agent, admin_user, sales1a, relations, make_customer, open_browser, tmp_path
):
    shots = Path(os.environ.get("GUANXI_E2E_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    caller = make_customer(sales1a, name="售后客户", mobile="13900138000")
    ComplaintRoute.objects.create(priority=1, category=category("service_quality"), to_user=agent)
    _token, raw = integration_token(admin_user)

    # what the statistics and the report say before
    oversight = open_browser(1280, 900)
    _sign_in(oversight, base, "relations")
    oversight.goto(f"{base}/service/complaints/statistics/")
    received_before = _received_total(oversight)
    resolve_before = oversight.inner_text('[data-timing="resolve"]')
    oversight.goto(f"{base}/satisfaction/")
    report_before = oversight.inner_text("#gx-sat-internal").strip()

    # 来电弹屏: the ringing call pops the card in the agent's open page
    page = open_browser(1280, 900)
    _sign_in(page, base, "agent")
    page.wait_for_selector("#gx-ringing", state="attached")
    cti = Client(headers={"Authorization": f"Bearer {raw}"})
    rung = cti.post(
        "/api/v1/calls/ringing",
        json.dumps({"number": "139 0013 8000", "agent": "agent"}),
        content_type="application/json",
    )
    assert rung.status_code == 201
    page.wait_for_selector(".gx-ringing .gx-caller-card", timeout=2_000)
    assert "售后客户" in page.inner_text(".gx-ringing")

    # the call, logged as a complaint, goes on to the complaint form, prefilled
    page.click(".gx-ringing .gx-caller-card a.btn-primary")
    page.wait_for_selector("#gx-call-form")
    page.click("#gx-call-form input[name=type][value=complaint]")
    page.fill("#gx-call-form textarea[name=notes]", "投诉销售顾问态度")
    page.click("#gx-call-form button[type=submit]")
    page.wait_for_selector("#gx-complaint-create")
    page.select_option("#gx-complaint-create select[name=category]", str(category().pk))
    page.fill("#gx-complaint-create input[name=title]", "销售顾问态度差")
    page.fill("#gx-complaint-create textarea[name=description]", "客户来电说销售顾问不耐烦")
    page.click("#gx-complaint-create button[type=submit]")
    page.wait_for_selector("#gx-complaint-steps")
    complaint = Complaint.objects.get(customer=caller)
    assert complaint.channel == "phone" and complaint.call is not None
    assert complaint.owner == agent and complaint.routed_at is not None  # routed at once

    # the five steps, each with a note, then closing
    page.fill("#gx-accept textarea[name=note]", "您好，我来负责处理")
    page.click("#gx-accept button[type=submit]")
    for done, note in enumerate(
        ("先道歉，平息情绪", "商量补偿方案", "安排培训并回访", "感谢您的反馈"), 2
    ):
        page.wait_for_selector("#gx-step")
        page.fill("#gx-step textarea[name=note]", note)
        page.click("#gx-step button[type=submit]")
        page.wait_for_function(
            f"() => document.querySelectorAll('#gx-steps [data-done=\"1\"]').length >= {done}"
        )
    page.wait_for_selector("#gx-close")
    page.check("#gx-close input[name=resolution][value=resolved]")
    page.click("#gx-close button[type=submit]")
    page.wait_for_selector('#gx-complaint-confirmation [data-answered="0"]')
    page.screenshot(path=str(shots / "service-complaint-closed-1280.png"), full_page=True)

    # the customer confirms on the link they were sent, on a phone
    message = Message.objects.get(dedup_key=f"complaint-confirm:{complaint.pk}:0")
    found = re.search(r"/satisfaction/s/([A-Za-z0-9_-]+)/", message.body)
    assert found, message.body
    phone = open_browser(390, 800)
    phone.goto(f"{base}/satisfaction/s/{found.group(1)}/")
    _fits(phone)
    assert "售后客户" not in phone.inner_text("body")
    for select in phone.locator("#gx-survey-form select[name^='p']").all():
        select.select_option("9")
    phone.select_option("#id_overall", "9")
    phone.select_option("#id_nps", "10")
    phone.screenshot(path=str(shots / "service-confirm-390.png"), full_page=True)
    phone.click("#gx-survey-form button[type=submit]")
    phone.wait_for_selector("#gx-survey-thanks")
    _fits(phone)

    # the complaint shows the confirmation; statistics and report count it
    page.reload()
    page.wait_for_selector('#gx-complaint-confirmation [data-answered="1"] [data-overall="9"]')
    oversight.goto(f"{base}/service/complaints/statistics/")
    assert _received_total(oversight) == received_before + 1
    assert oversight.inner_text('[data-timing="resolve"]') != resolve_before
    oversight.screenshot(path=str(shots / "service-statistics-1280.png"), full_page=True)
    oversight.goto(f"{base}/satisfaction/")
    assert oversight.inner_text("#gx-sat-internal").strip() != report_before

"""A day that flows (issue 12), in Chromium at 1280 and 390 px wide:

* the manager's morning: the home page lists the contract waiting for approval → its
  approval page shows the whole document (customer, lines with the discount, totals, plan)
  → back home, the team's pipeline in money → the funnel in money;
* the consultant's: the home page lists today's work → the work list → a follow-up with an
  expected amount → the board's column sum has grown by it; then the amount is changed on
  the card and the sum follows.

Every page is screenshotted (GUANXI_E2E_SCREENSHOTS keeps them) and must not be wider than
the screen."""

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from guanxi.accounts.demo import DEMO_PASSWORD
from guanxi.pipeline.models import Prospect, Stage
from guanxi.pipeline.prospects.services import prospect_set_expectation, prospect_set_stage
from guanxi.sales.common.lines import LineInput
from guanxi.sales.contracts.services import contract_create, contract_submit
from guanxi.sales.models import Contract

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = (1280, 390)


def _money(text: str) -> Decimal:
    return Decimal(text.strip().rstrip("+").lstrip("¥").replace(",", ""))


def _quiet(page):
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def _log_in(page, base, username):
    page.goto(f"{base}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action*='login'] button[type=submit]")
    page.wait_for_url(f"{base}/")
    _quiet(page)


def _look(page, shots: Path, name: str, width: int):
    """Screenshot the page and check nothing is wider than the screen."""
    _quiet(page)
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"] + 1, (name, widths)


def _shots(tmp_path) -> Path:
    shots = Path(os.environ.get("GUANXI_E2E_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    return shots


@pytest.mark.parametrize("width", WIDTHS)
def test_managers_morning(
    width, live_server, manager, sales1a, make_customer, open_browser, tmp_path
):
    customer = make_customer(sales1a, name="晨会审批客户")
    prospect_set_stage(actor=sales1a, customer=customer, stage=Stage.objects.get(code="s3"))
    prospect_set_expectation(
        actor=sales1a,
        customer=customer,
        expected_amount=Decimal("210000"),
        expected_close_on=timezone.localdate(),
    )
    Prospect.objects.filter(pk=customer.pk).update(tracked=True)
    contract = contract_submit(
        actor=sales1a,
        contract=contract_create(
            actor=sales1a,
            customer=customer,
            title="年度实施合同",
            items=[
                LineInput(
                    product=None,
                    description="实施服务",
                    unit="项",
                    quantity="1",
                    unit_price="233333.33",
                    discount_rate="0.10",
                    tax_rate="0.13",
                )
            ],
        ),
    )
    assert contract.status == Contract.Status.IN_APPROVAL
    shots = _shots(tmp_path)
    page = open_browser(width, 900)
    base = live_server.url

    _log_in(page, base, "manager")
    approvals = page.locator("#home-approvals")
    assert contract.number in approvals.inner_text()
    _look(page, shots, "manager-home", width)

    approvals.locator(f"a:has-text('{contract.number}')").click()
    page.locator("#approval-document").wait_for()
    document = page.inner_text("#approval-document")
    assert "晨会审批客户" in document and "实施服务" in document
    assert "10" in page.inner_text("#approval-lines")  # the discount
    assert page.locator("#approval-totals").count() == 1
    _look(page, shots, "manager-approval", width)

    page.goto(f"{base}/")
    team = page.locator("#home-team-pipeline")
    s3 = team.locator("tr[data-stage='s3']")
    assert _money(s3.locator("td").nth(2).inner_text()) == Decimal("210000.00")
    team.locator("a[href$='/pipeline/funnel/']").click()
    page.locator("#funnel-table").wait_for()
    funnel = page.inner_text("#funnel-table")
    assert "¥210,000.00" in funnel
    _look(page, shots, "manager-funnel", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_consultants_day(width, live_server, sales1a, make_customer, open_browser, tmp_path):
    customer = make_customer(sales1a, name="今日跟进客户")
    Prospect.objects.filter(pk=customer.pk).update(
        stage=Stage.objects.get(code="s2"),
        tracked=True,
        next_due_at=timezone.now() - dt.timedelta(days=1),
    )
    other = make_customer(sales1a, name="已有金额客户")
    Prospect.objects.filter(pk=other.pk).update(
        stage=Stage.objects.get(code="s2"), expected_amount=Decimal("3000.00")
    )
    shots = _shots(tmp_path)
    page = open_browser(width, 900)
    base = live_server.url

    _log_in(page, base, "sales1a")
    today = page.locator("#home-today")
    assert "今日跟进客户" in today.inner_text()
    assert today.locator("[data-count=overdue]").inner_text().strip() == "1"
    _look(page, shots, "consultant-home", width)

    page.goto(f"{base}/pipeline/board/")
    column = page.locator("[data-stage-column='s2']")
    before = _money(column.locator(".gx-board-amount").inner_text())
    assert before == Decimal("3000.00")

    page.goto(f"{base}/")
    today.locator("a[href$='/pipeline/']").click()
    row = page.locator(f".gx-wl-row[data-customer='{customer.pk}']").first
    row.locator("button[hx-get*='followup']").click()
    form = row.locator("form")
    form.locator("textarea").fill("电话沟通了预算，客户预计下月签约")
    form.locator("input[name$='expected_amount']").fill("50000")
    _look(page, shots, "consultant-followup", width)
    form.locator("button[type=submit]").click()
    page.locator(f".gx-wl-row[data-customer='{customer.pk}'] .badge.bg-success-lt").wait_for()
    assert Prospect.objects.get(pk=customer.pk).expected_amount == Decimal("50000.00")

    page.goto(f"{base}/pipeline/board/")
    column = page.locator("[data-stage-column='s2']")
    assert _money(column.locator(".gx-board-amount").inner_text()) == before + Decimal("50000")
    _look(page, shots, "consultant-board", width)

    card = column.locator(f"article[data-customer='{customer.pk}']")
    card.locator(".gx-expect-btn").click()
    card = column.locator(f"article[data-customer='{customer.pk}']")
    card.locator("input[name=expected_amount]").fill("60000")
    card.locator("button[type=submit]").click()
    page.wait_for_function(
        "() => document.querySelector(\"[data-stage-column='s2'] .gx-board-amount\")"
        ".textContent.includes('63,000.00')"
    )
    assert Prospect.objects.get(pk=customer.pk).expected_amount == Decimal("60000.00")
    _look(page, shots, "consultant-board-edited", width)

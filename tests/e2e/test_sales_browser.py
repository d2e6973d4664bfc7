"""Issue 4's acceptance story in Chromium: a consultant drafts a contract from a stage-4
customer's 360 page, sets its payment plan and submits it; the manager approves it in the
approval queue (the customer becomes grade E, an actual customer); a part payment is
recorded; the receivables page shows what is still open. Then the contract page at phone
width (390 × 844) must not overflow sideways."""

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# (product code, quantity): 2 × 商城网站建设 ¥46,800 + 1 × 搜索推广服务（年度） ¥9,800 = ¥103,400,
# above the ¥100,000 of the shipped contract approval flow (直属上级 → the manager).
LINES = (("WEB-MALL", "2"), ("SEM-Y", "1"))
TOTAL = Decimal("103400.00")
PLAN = (Decimal("60000.00"), Decimal("43400.00"))
PAID = Decimal("30000.00")


def _yuan(amount) -> str:
    """Money as the sales pages print it: their `yuan` filter (¥12,345.60)."""
    from guanxi.sales.common.money import yuan

    return yuan(amount)


def _money(text: str) -> Decimal:
    return Decimal(text.strip().lstrip("¥").replace(",", "").replace("\u00a0", ""))


def _log_in(page, base_url, username):
    from guanxi.accounts.demo import DEMO_PASSWORD

    page.goto(f"{base_url}/sales/approvals/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action*='login'] button[type=submit]")
    # (a glob on /sales/approvals/ would also match the login page's ?next=/sales/approvals/)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert page.url == f"{base_url}/sales/approvals/"


def _quiet(page):
    """No request in flight: on SQLite the test and the live server share one connection,
    so the test reads the database only while the server is idle."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def _receivables_panel(page):
    """The money panel the contract page loads with htmx."""
    panel = page.locator("#contract-receivables #gx-receivables")
    panel.wait_for()
    return panel


def test_contract_approval_payment_and_receivables(
    live_server, sales1a, manager, make_customer, open_browser, tmp_path
):
    from guanxi.customers.models import Customer
    from guanxi.pipeline.models import Grade, Prospect
    from guanxi.pipeline.prospects.services import prospect_set_stage
    from guanxi.sales.approvals.selectors import flow_for
    from guanxi.sales.demo import ensure_demo_flow, ensure_demo_products
    from guanxi.sales.models import Approval, Contract, Instalment, Payment

    customer = make_customer(sales1a, name="成交测试客户")
    prospect_set_stage(actor=sales1a, customer=customer, stage="s4")
    products = {p.code: p for p in ensure_demo_products()}
    ensure_demo_flow(manager)  # keeps the shipped 大额合同审批 (≥ ¥100,000 → direct manager)
    assert flow_for(target="contract", amount=TOTAL, department_id=None, product_ids=[])
    assert sales1a.reports_to_id == manager.pk
    assert Prospect.objects.get(customer=customer).grade != Grade.E
    today = timezone.localdate()
    base = live_server.url

    # 1. The consultant opens the customer and drafts a contract from its contracts panel.
    page = open_browser(1280, 900)
    _log_in(page, base, "sales1a")
    page.goto(f"{base}/customers/{customer.pk}/")
    # the panel arrives when scrolled into view (issue 13)
    page.locator("#gx-contracts-panel").scroll_into_view_if_needed()
    page.click(f"#gx-contracts-panel a[href$='/sales/contracts/new/?customer={customer.pk}']")
    page.wait_for_url(f"**/sales/contracts/new/?customer={customer.pk}")
    form = page.locator("form:has(#items)")
    assert page.input_value("input[name=title]") == customer.name
    for index, (code, quantity) in enumerate(LINES):
        row = page.locator(f"#items .gx-item-row[data-index='{index}']")
        # Choosing a product swaps the row (htmx) for one filled with its price for this customer.
        row.locator(f"select[name='items-{index}-product']").select_option(str(products[code].pk))
        page.locator(
            f"#id_items-{index}-unit_price[value='{products[code].list_price}']"
        ).wait_for()
        assert page.input_value(f"#id_items-{index}-description") == products[code].name
        page.fill(f"#id_items-{index}-quantity", quantity)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/sales/contracts/\d+/$"))
    _quiet(page)
    contract = Contract.objects.get(customer=customer)
    assert page.url.endswith(f"/sales/contracts/{contract.pk}/")
    assert contract.status == Contract.Status.DRAFT
    assert contract.total_amount == TOTAL
    assert contract.items.count() == len(LINES)

    # The payment plan (回款计划): two instalments adding up to the total, saved with htmx.
    panel = _receivables_panel(page)
    panel.locator("#gx-rcv-plan-editor > summary").click()
    plan_form = panel.locator("#gx-rcv-plan-editor form[hx-post$='/plan/']")
    for index, amount in enumerate(PLAN):
        due = today + dt.timedelta(days=30 + 60 * index)
        plan_form.locator("input[name=due_on]").nth(index).fill(due.isoformat())
        plan_form.locator("input[name=amount]").nth(index).fill(str(amount))
    plan_form.locator("button[type=submit]").click()
    page.locator("#gx-rcv-plan tbody tr[data-instalment]").nth(len(PLAN) - 1).wait_for()
    _quiet(page)
    assert list(
        Instalment.objects.filter(contract=contract)
        .order_by("sequence")
        .values_list("amount", flat=True)
    ) == list(PLAN)

    # Submit: the amount makes the flow apply, so it waits for the manager.
    page.click(f"form[action$='/sales/contracts/{contract.pk}/submit/'] button[type=submit]")
    page.locator("#contract-status.bg-yellow-lt").wait_for()  # the page after the POST
    # its approval panel (htmx) shows the running round
    page.locator(f"#approval-panel-contract-{contract.pk} [data-round='1']").wait_for()
    _quiet(page)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.IN_APPROVAL
    approval = Approval.objects.get(target="contract", target_id=contract.pk)
    assert approval.state == Approval.State.PENDING
    assert list(approval.tasks.values_list("approver_id", flat=True)) == [manager.pk]
    assert page.locator(f"form[action$='/sales/contracts/{contract.pk}/submit/']").count() == 0

    # 2. The manager, in a browser of their own, approves it from the approval queue.
    boss = open_browser(1280, 900)
    _log_in(boss, base, "manager")
    decide = boss.locator(f"form[action$='/sales/approvals/{approval.pk}/decide/']")
    decide.locator("textarea[name=comment]").fill("价格合理，同意签约。")
    decide.locator("button[name=decision][value=approve]").click()
    # The decision posts and comes back to the queue, where the task is gone.
    decide.wait_for(state="detached")
    assert boss.url == f"{base}/sales/approvals/"
    _quiet(boss)
    approval.refresh_from_db()
    contract.refresh_from_db()
    assert approval.state == Approval.State.APPROVED
    assert contract.status == Contract.Status.SIGNED
    assert contract.signed_on == today
    prospect = Prospect.objects.get(customer=customer)
    assert prospect.grade == Grade.E
    assert prospect.dealt is True
    assert Customer.objects.get(pk=customer.pk).category == Customer.Category.ACTUAL

    # 3. Back on the contract, the consultant records a part payment (回款) with htmx.
    page.goto(f"{base}/sales/contracts/{contract.pk}/")
    assert "bg-blue-lt" in page.get_attribute("#contract-status", "class")  # signed
    panel = _receivables_panel(page)
    panel.locator("#gx-rcv-payment-form > summary").click()
    pay_form = panel.locator("#gx-rcv-payment-form form")
    # A refused payment (more than is open, over-payment not accepted) shows its error in place
    # (the answer is a 422: the htmx config must swap it) and books nothing.
    pay_form.locator("input[name=amount]").fill(str(TOTAL + 1))
    pay_form.locator("button[type=submit]").click()
    panel.locator(
        "#gx-rcv-payment-form .invalid-feedback, #gx-rcv-payment-form .alert-danger"
    ).first.wait_for()
    _quiet(page)
    assert not Payment.objects.filter(contract=contract).exists()
    pay_form = panel.locator("#gx-rcv-payment-form form")
    pay_form.locator("input[name=amount]").fill(str(PAID))
    assert pay_form.locator("input[name=received_on]").input_value() == today.isoformat()
    pay_form.locator("select[name=method]").select_option("transfer")
    pay_form.locator("input[name=reference]").fill("BANK-20260001")
    pay_form.locator("button[type=submit]").click()
    row = page.locator("#gx-rcv-payments tr[data-payment]")
    row.wait_for()
    _quiet(page)
    payment = Payment.objects.get(contract=contract)
    assert row.get_attribute("data-payment") == str(payment.pk)
    assert payment.status == Payment.Status.CONFIRMED
    assert payment.amount == PAID
    contract.refresh_from_db()
    assert contract.paid_amount == PAID
    assert contract.status == Contract.Status.EXECUTING
    open_amount = TOTAL - PAID
    totals = page.locator("#gx-rcv-totals")
    assert totals.locator("[data-total=paid]").inner_text() == _yuan(PAID)
    assert totals.locator("[data-total=open]").inner_text() == _yuan(open_amount)

    # 4. The receivables page lists the contract's open instalments: together total − paid.
    page.goto(f"{base}/sales/receivables/?owner={sales1a.pk}")
    rows = page.locator(
        f"#gx-rcv-rows tr:has(a[href$='/sales/receivables/contract/{contract.pk}/'])"
    )
    assert rows.count() == len(PLAN)
    _quiet(page)
    instalments = Instalment.objects.filter(contract=contract).order_by("sequence")
    shown = {}
    for inst in instalments:
        cells = page.locator(f"#gx-rcv-rows tr[data-instalment='{inst.pk}'] td")
        assert contract.number in cells.nth(1).inner_text()
        shown[inst.sequence] = cells.nth(5).inner_text().strip()
    assert shown == {1: _yuan(PLAN[0] - PAID), 2: _yuan(PLAN[1])}
    assert sum(_money(text) for text in shown.values()) == open_amount
    assert page.inner_text("#gx-rcv-summary [data-bucket=total]").strip() == _yuan(open_amount)
    assert page.inner_text("#gx-rcv-summary [data-bucket=not_due]").strip() == _yuan(open_amount)

    # 5. The contract page at phone width: nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/sales/contracts/{contract.pk}/")
    _receivables_panel(page)
    page.locator(f"#approval-panel-contract-{contract.pk}").wait_for()
    page.locator("#contract-fulfilment > *").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#contract-total").strip() == _yuan(TOTAL)
    assert page.inner_text("#contract-outstanding").strip() == _yuan(open_amount)
    shots = Path(os.environ.get("GUANXI_E2E_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "contract-detail-390.png"), full_page=True)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"] + 1, widths

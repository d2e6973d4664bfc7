"""Running totals on the contract and quote line forms (issue 12 §3): typed figures give the
same net, tax and total as the server's money.line_amounts (rounded once, at the line)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from guanxi.sales.common import money

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _expected(*lines):
    totals = money.document_totals(
        money.line_amounts(
            quantity=Decimal(q),
            unit_price=Decimal(p),
            discount_rate=Decimal(d) / 100,
            tax_rate=Decimal(t) / 100,
        )
        for q, p, d, t in lines
    )
    return money.yuan(totals.net), money.yuan(totals.tax), money.yuan(totals.total)


def _sums(page, lines_id):
    box = page.locator(f"[data-gx-lines-totals='#{lines_id}']")
    return tuple(
        box.locator(f"[data-gx-sum={key}]").inner_text() for key in ("net", "tax", "total")
    )


def _sums_become(page, lines_id, expected):
    """The totals once the page has recounted: a removed row is recounted on the next tick."""
    box = page.locator(f"[data-gx-lines-totals='#{lines_id}']")
    for key, text in zip(("net", "tax", "total"), expected, strict=True):
        expect(box.locator(f"[data-gx-sum={key}]")).to_have_text(text)
    return _sums(page, lines_id)


def test_contract_and_quote_lines_show_the_servers_totals(
    live_server, sales1a, make_customer, open_browser
):
    from guanxi.accounts.demo import DEMO_PASSWORD

    customer = make_customer(sales1a, name="合计客户")
    page = open_browser(1280, 900)
    page.goto(f"{live_server.url}{reverse('sales:contract_create')}?customer={customer.pk}")
    page.fill("input[name=username]", "sales1a")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action*='login'] button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    row = page.locator("#items .gx-item-row").first
    row.locator("input[name$='-description']").fill("商城系统")
    row.locator("input[name$='-quantity']").fill("3")
    row.locator("input[name$='-unit_price']").fill("70000.005")  # not a price: not counted
    assert page.locator("[data-gx-sum=skipped]").is_visible()
    row.locator("input[name$='-unit_price']").fill("69999.99")
    row.locator("input[name$='-discount']").fill("12.5")
    row.locator("input[name$='-tax']").fill("13")
    assert _sums(page, "items") == _expected(("3", "69999.99", "12.5", "13"))
    assert not page.locator("[data-gx-sum=skipped]").is_visible()

    page.goto(f"{live_server.url}{reverse('sales:quote_create')}?customer={customer.pk}")
    page.locator("button[hx-get*='/quotes/line/']").click()
    page.locator("#quote-lines .quote-line").first.wait_for()
    page.locator("button[hx-get*='/quotes/line/']").click()
    page.locator("#quote-lines .quote-line").nth(1).wait_for()
    first, second = page.locator("#quote-lines .quote-line").all()[:2]
    for line, (q, p, d, t) in (
        (first, ("2.5", "33.33", "0", "6")),
        (second, ("7", "0.15", "3", "9")),
    ):
        line.locator("input[name=description]").fill("服务")
        line.locator("input[name=quantity]").fill(q)
        line.locator("input[name=unit_price]").fill(p)
        line.locator("input[name=discount]").fill(d)
        line.locator("input[name=tax]").fill(t)
    assert _sums(page, "quote-lines") == _expected(
        ("2.5", "33.33", "0", "6"), ("7", "0.15", "3", "9")
    )
    second.locator("[data-gx-remove]").click()
    expected = _expected(("2.5", "33.33", "0", "6"))
    assert _sums_become(page, "quote-lines", expected) == expected

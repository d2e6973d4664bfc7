"""A click whose htmx request fails must say so. htmx 2 swaps no 4xx/5xx answer by default:
a form refused with 422 is swapped in place (htmx-config in base.html, covered by the sales
browser test), every other failure shows the translated notice #gx-request-error."""

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_customer_deleted_meanwhile_answers_with_a_notice(
    live_server, sales1a, manager, make_customer, open_browser
):
    from guanxi.accounts.demo import DEMO_PASSWORD
    from guanxi.customers.archive.services import customer_delete
    from guanxi.pipeline.models import Prospect
    from guanxi.pipeline.prospects import services

    customer = make_customer(sales1a, name="被删除的客户")
    services.prospect_set_stage(actor=sales1a, customer=customer, stage="s1")
    Prospect.objects.filter(customer=customer).update(
        tracked=True, next_due_at=timezone.now() - dt.timedelta(days=1)
    )
    page = open_browser(1280, 900)
    page.goto(f"{live_server.url}/pipeline/")
    page.fill("input[name=username]", "sales1a")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action*='login'] button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    row = page.locator(f".gx-wl-row[data-customer='{customer.pk}']").first
    row.wait_for()
    page.wait_for_load_state("networkidle")
    notice = page.locator("#gx-request-error")
    assert notice.is_hidden()

    # The manager moves the customer to the recycle bin while the work list is open.
    customer_delete(actor=manager, customer=customer)
    row.locator("button[hx-get*='/followup/']").first.click()
    notice.wait_for(state="visible")
    assert "不存在" in notice.inner_text()  # zh-CN browser: the Chinese message
    # Closing it hides it; the next request starts without it.
    notice.locator("[data-gx-hide]").click()
    assert notice.is_hidden()

"""A customer answers the satisfaction survey from the one-time link in Chromium at 390 px
(SAT-1): the page fits the screen and shows only the surname with 先生/女士 and the
consultant's name; a low overall score stores the answers and opens the manager's recovery
task; the link used again says so. Then the manager sees the answer in the report (SAT-3)."""

import os
from pathlib import Path

import pytest

from guanxi.accounts.demo import DEMO_PASSWORD
from guanxi.care.models import CareTask
from guanxi.satisfaction.models import SurveyResponse
from tests.satisfaction.factories import link

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _fits(page) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"] + 1, widths


def test_a_customer_answers_on_a_phone(
    live_server, sales1a, relations, manager, make_customer, open_browser, tmp_path
):
    shots = Path(os.environ.get("GUANXI_E2E_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    customer = make_customer(sales1a, name="欧阳娜娜", gender="F")
    new = link(relations, customer)
    page = open_browser(390, 800)
    page.goto(f"{live_server.url}/satisfaction/s/{new.token}/")
    greeting = page.locator("#gx-survey-greeting").inner_text()
    assert "欧阳女士" in greeting and "欧阳娜娜" not in greeting
    _fits(page)
    for select in page.locator("#gx-survey-form select[name^='e']").all():
        select.select_option("9")
    for select in page.locator("#gx-survey-form select[name^='p']").all():
        select.select_option("5")
    page.select_option("#id_overall", "3")
    page.screenshot(path=str(shots / "satisfaction-survey-390.png"), full_page=True)
    page.select_option("#id_nps", "2")
    page.fill("#id_comment", "价格没讲清楚")
    page.click("#gx-survey-form button[type=submit]")
    page.wait_for_selector("#gx-survey-thanks")
    _fits(page)
    response = SurveyResponse.objects.get(customer=customer)
    assert response.satisfaction == -4 and response.overall == 3
    assert CareTask.objects.get(customer=customer).assignee == manager
    page.goto(f"{live_server.url}/satisfaction/s/{new.token}/")
    assert page.locator("#gx-survey-refused").get_attribute("data-reason") == "used"

    staff = open_browser(390, 800)
    staff.goto(f"{live_server.url}/accounts/login/")
    staff.fill("input[name=username]", "manager")
    staff.fill("input[name=password]", DEMO_PASSWORD)
    staff.click("button[type=submit]")
    staff.goto(f"{live_server.url}/satisfaction/")
    assert staff.locator("#gx-sat-internal").inner_text().strip() == "-4.00"
    staff.wait_for_selector("#gx-sat-trend canvas")
    _fits(staff)

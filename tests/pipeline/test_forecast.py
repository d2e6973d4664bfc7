"""Money on the funnel and the team page, and the monthly forecast (issue 12 §2)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.core.dates import month_bounds
from guanxi.pipeline.models import Prospect, Stage, StageMove
from guanxi.pipeline.reports import hooks
from guanxi.pipeline.reports.selectors import (
    forecast_by_owner,
    funnel_figures,
    team_overview,
)

pytestmark = pytest.mark.django_db


def _prospect(customer, *, stage, amount=None, close_on=None, tracked=False):
    Prospect.objects.filter(customer=customer).update(
        stage=Stage.objects.get(code=stage),
        expected_amount=amount,
        expected_close_on=close_on,
        tracked=tracked,
    )


def test_month_bounds():
    assert month_bounds(dt.date(2027, 2, 14)) == (dt.date(2027, 2, 1), dt.date(2027, 2, 28))
    assert month_bounds(dt.date(2026, 12, 31)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))


def test_forecast_weighs_amounts_closing_in_the_month(sales1a, sales1b, make_customer):
    month = dt.date(2027, 3, 1)
    _prospect(make_customer(sales1a), stage="s3", amount="100000", close_on=dt.date(2027, 3, 5))
    _prospect(make_customer(sales1a), stage="s1", amount="20000", close_on=dt.date(2027, 3, 31))
    # outside the month, without an amount, or refused (0 %): no forecast
    _prospect(make_customer(sales1a), stage="s4", amount="50000", close_on=dt.date(2027, 4, 1))
    _prospect(make_customer(sales1a), stage="s4", amount=None, close_on=dt.date(2027, 3, 9))
    _prospect(make_customer(sales1a), stage="refused", amount="7000", close_on=month)
    _prospect(make_customer(sales1b), stage="s4", amount="10000.10", close_on=month)
    figures = forecast_by_owner(owner_ids=[sales1a.pk, sales1b.pk], month=month)
    # 100000 × 60 % + 20000 × 10 % + 7000 × 0 %
    assert figures[sales1a.pk] == (Decimal("127000.00"), Decimal("62000.00"))
    assert figures[sales1b.pk] == (Decimal("10000.10"), Decimal("9000.09"))


def test_team_page_shows_money_forecast_and_target(
    sales1a, sales1b, manager, make_customer, client_for
):
    from guanxi.sales.models import SalesTarget

    today = timezone.localdate()
    first = month_bounds(today)[0]
    _prospect(make_customer(sales1a), stage="s4", amount="10000", close_on=today, tracked=True)
    _prospect(make_customer(sales1b), stage="s2", amount="5000", close_on=today, tracked=True)
    SalesTarget.objects.create(
        user=sales1a,
        period=SalesTarget.Period.MONTH,
        starts_on=first,
        metric=SalesTarget.Metric.SIGNED,
        value=Decimal("30000"),
    )
    rows = {row.user.username: row for row in team_overview(manager=manager)["rows"]}
    assert rows["sales1a"].forecast == Decimal("9000.00")
    assert rows["sales1a"].tracked_amount == Decimal("10000.00")
    assert rows["sales1a"].target == Decimal("30000.00")
    assert rows["sales1b"].forecast == Decimal("1500.00") and rows["sales1b"].target is None

    html = client_for(manager).get(reverse("pipeline:team")).content.decode()
    row = html[html.index('data-user="sales1a"') :]
    row = row[: row.index("</tr>")]
    assert "¥9,000.00" in row and "¥30,000.00" in row and "¥10,000.00" in row
    totals = html[html.index('id="team-totals"') :]
    totals = totals[: totals.index("</tr>")]
    assert "¥10,500.00" in totals and "¥15,000.00" in totals and "¥30,000.00" in totals


def test_targets_come_through_the_hook(manager, sales1a):
    month = month_bounds(timezone.localdate())[0]

    def fake(*, user_ids, month, **kwargs):
        return {sales1a.pk: Decimal("123.45")}

    hooks.monthly_targets.register(fake)
    try:
        rows = {row.user.pk: row for row in team_overview(manager=manager)["rows"]}
    finally:
        hooks.monthly_targets._callbacks.remove(fake)
    assert rows[sales1a.pk].target == Decimal("123.45")
    assert hooks.targets_for(user_ids=[sales1a.pk], month=month) == {}


def test_funnel_sums_the_expected_amounts_of_the_customers_reached(
    sales1a, make_customer, client_for
):
    StageMove.objects.all().delete()
    stage = {s.code: s for s in Stage.objects.all()}
    now = timezone.now()
    far, near, lost = (make_customer(sales1a, name=n) for n in ("远", "近", "丢"))
    for customer, amount, path in (
        (far, "30000", ["s0", "s1", "s3"]),
        (near, "1000.50", ["s0", "s1"]),
        (lost, "999", ["s0", "refused"]),
    ):
        Prospect.objects.filter(customer=customer).update(expected_amount=amount)
        before = None
        for code in path:
            StageMove.objects.create(
                customer=customer,
                user=sales1a,
                department_id=sales1a.department_id,
                from_stage=before,
                to_stage=stage[code],
                at=now,
            )
            before = stage[code]
    today = timezone.localdate()
    figures = funnel_figures(user=sales1a, start=today, end=today)
    amounts = {row.stage.code: row.amount for row in figures["rows"] + figures["refused"]}
    assert amounts == {
        "s0": Decimal("31999.50"),
        "s1": Decimal("31000.50"),
        "s2": Decimal("30000.00"),
        "s3": Decimal("30000.00"),
        "s4": Decimal("0.00"),
        "refused": Decimal("999.00"),
    }
    html = client_for(sales1a).get(reverse("pipeline:funnel")).content.decode()
    assert "¥31,999.50" in html

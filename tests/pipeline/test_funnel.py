"""The funnel (ACQ-4) on a constructed set of stage moves: counts, rates, medians, scope."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.core.models import AuditLog
from guanxi.pipeline.models import Stage, StageMove
from guanxi.pipeline.reports.selectors import funnel_figures

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 3, 1), dt.date(2025, 3, 31)


def _when(day, hour=10):
    return dt.datetime(2025, 3, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def moves(sales1a, sales2a, make_customer):
    stage = {s.code: s for s in Stage.objects.all()}
    StageMove.objects.all().delete()

    def move(user, customer, frm, to, day, days=None):
        StageMove.objects.create(
            customer=customer,
            user=user,
            department_id=user.department_id,
            source_id=customer.source_id,
            from_stage=stage[frm] if frm else None,
            to_stage=stage[to],
            days_in_previous=days,
            at=_when(day),
        )

    c1, c2, c3, c4 = (make_customer(sales1a, name=f"漏斗{i}") for i in range(4))
    move(sales1a, c1, None, "s0", 1)
    move(sales1a, c1, "s0", "s1", 5, 4)
    move(sales1a, c1, "s1", "s2", 11, 6)
    move(sales1a, c2, None, "s0", 1)
    move(sales1a, c2, "s0", "s1", 11, 10)
    move(sales1a, c3, None, "s0", 2)
    move(sales1a, c3, "s0", "s3", 4, 2)  # skips stages 1 and 2: has passed them
    move(sales1a, c4, None, "refused", 3)
    # Outside the period (the day before, local time) and another team's move.
    StageMove.objects.create(
        customer=c4,
        user=sales1a,
        department_id=sales1a.department_id,
        from_stage=None,
        to_stage=stage["s4"],
        at=dt.datetime(2025, 2, 28, 23, 30, tzinfo=timezone.get_current_timezone()),
    )
    other = make_customer(sales2a, name="二部")
    move(sales2a, other, None, "s0", 6)
    move(sales2a, other, "s0", "s1", 9, 3)
    return {"c1": c1, "c2": c2, "c3": c3, "c4": c4, "other": other}


def _by_code(figures):
    return {row.stage.code: row for row in figures["rows"] + figures["refused"]}


def test_funnel_numbers(moves, sales1a):
    rows = _by_code(funnel_figures(user=sales1a, start=START, end=END))
    assert [rows[c].reached for c in ("s0", "s1", "s2", "s3", "s4")] == [3, 3, 2, 1, 0]
    assert rows["refused"].reached == 1
    assert rows["s0"].conversion == 1.0
    assert rows["s1"].conversion == pytest.approx(2 / 3)
    assert rows["s2"].conversion == 0.5
    assert rows["s3"].conversion == 0.0
    assert rows["s4"].conversion is None
    assert rows["s0"].median_days == 4  # 2, 4, 10
    assert rows["s1"].median_days == 6
    assert rows["s2"].median_days is None


def test_funnel_even_median_period_and_filters(moves, sales1a, manager, sales2a):
    rows = _by_code(funnel_figures(user=manager, start=START, end=END))
    assert rows["s0"].reached == 4 and rows["s1"].reached == 4
    assert rows["s0"].median_days == 3.5  # 2, 3, 4, 10
    only = _by_code(funnel_figures(user=manager, start=START, end=END, owner=sales2a.pk))
    assert only["s0"].reached == 1 and only["s2"].reached == 0
    # The Feb 28 move appears only when the period includes that local day.
    wider = _by_code(funnel_figures(user=sales1a, start=dt.date(2025, 2, 28), end=END))
    assert wider["s4"].reached == 1
    narrow = _by_code(funnel_figures(user=sales1a, start=dt.date(2025, 3, 6), end=END))
    assert narrow["s0"].reached == 2  # c1 → s2 and c2 → s1 on the 11th


def test_funnel_scope(moves, sales1b, sales2a):
    # A colleague in the same department with "own" scope sees none of sales1a's moves.
    assert funnel_figures(user=sales1b, start=START, end=END)["moves"] == 0
    assert funnel_figures(user=sales2a, start=START, end=END)["moves"] == 2


def test_funnel_page_and_export(moves, sales1a, manager, client_for):
    params = {"start": "2025-03-01", "end": "2025-03-31"}
    response = client_for(sales1a).get(reverse("pipeline:funnel"), params)
    assert response.status_code == 200
    assert "echarts.min.js" in response.content.decode()
    assert response.context["figures"]["moves"] == 8
    # Consultants have no export permission.
    assert client_for(sales1a).get(reverse("pipeline:funnel_export"), params).status_code == 403
    assert not AuditLog.objects.filter(action=AuditLog.Action.EXPORT).exists()
    export = client_for(manager).get(reverse("pipeline:funnel_export"), params)
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    b"".join(export.streaming_content)
    log = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert log.actor == manager and log.detail["rows"] == 6


def test_funnel_bad_input(sales1a, client_for):
    client = client_for(sales1a)
    response = client.get(
        reverse("pipeline:funnel"), {"start": "2025-05-01", "end": "2025-04-01", "owner": "x"}
    )
    assert response.status_code == 200
    assert client.get(reverse("pipeline:funnel"), {"start": "garbage"}).status_code == 200


@pytest.mark.parametrize(
    ("days", "median"),
    [([1, 1, 5, 5, 5, 9], 5), ([1, 1, 1, 5], 1), ([1, 5], 3), ([7], 7), ([2, 2, 3, 8, 8], 3)],
)
def test_funnel_median_with_repeated_days(sales1a, make_customer, days, median):
    """Medians are read from a (stage, days) → count histogram: repeated values around the
    middle must give the same figure as percentile_cont(0.5)."""
    stage = {s.code: s for s in Stage.objects.all()}
    StageMove.objects.all().delete()
    for n, value in enumerate(days):
        customer = make_customer(sales1a, name=f"中位{n}")
        StageMove.objects.create(
            customer=customer,
            user=sales1a,
            department_id=sales1a.department_id,
            from_stage=stage["s0"],
            to_stage=stage["s1"],
            days_in_previous=value,
            at=_when(10 + n % 5),
        )
    figures = funnel_figures(user=sales1a, start=START, end=END)
    rows = _by_code(figures)
    assert rows["s0"].median_days == median
    assert rows["s1"].reached == len(days) and figures["moves"] == len(days)

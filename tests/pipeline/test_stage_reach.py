"""The funnel's stored reaches (`StageReach`, issue 13): every writer of stage moves keeps them
equal to a recomputation from the moves, and the company funnel read from them equals the
funnel grouped from the moves."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.accounts.selectors import scope_for_user
from guanxi.customers.archive.services import customer_merge
from guanxi.customers.demo import seed_customers_bulk
from guanxi.customers.models import Customer
from guanxi.pipeline.demo import seed_pipeline_bulk
from guanxi.pipeline.models import Prospect, Stage, StageMove, StageReach
from guanxi.pipeline.pools.services import pool_recycle_run
from guanxi.pipeline.prospects.services import prospect_set_stage, stage_reach_refresh
from guanxi.pipeline.reports import selectors
from guanxi.pipeline.reports.selectors import funnel_figures

pytestmark = pytest.mark.django_db


def recomputed() -> dict[int, tuple]:
    """Per move, from the moves alone: (customer, at, level, before_0 … before_4, before_same)."""
    orders = dict(Stage.objects.values_list("pk", "order"))
    rows: dict[int, tuple] = {}
    history: dict[int, list[tuple]] = {}
    for pk, customer_id, stage_id, at in StageMove.objects.order_by(
        "customer_id", "at", "id"
    ).values_list("pk", "customer_id", "to_stage_id", "at"):
        level = orders[stage_id]
        earlier = history.setdefault(customer_id, [])
        before = [
            max((a for lv, _s, a in earlier if lv >= k), default=None) if level >= k else None
            for k in range(5)
        ]
        same = max((a for _lv, s, a in earlier if s == stage_id), default=None)
        rows[pk] = (customer_id, at, level, *before, same)
        earlier.append((level, stage_id, at))
    return rows


def stored() -> dict[int, tuple]:
    fields = ("customer_id", "at", "level", *(f"before_{k}" for k in range(5)), "before_same")
    return {row[0]: row[1:] for row in StageReach.objects.values_list("move_id", *fields)}


def grouped_funnel(user, start, end) -> dict:
    """The company funnel's figures as the moves give them (the path under a scope)."""
    lower, upper = selectors._bounds(start, end)
    moves = selectors.moves_in_scope(user=user).filter(at__gte=lower, at__lt=upper)
    stages = list(Stage.objects.order_by("order"))
    return selectors._reached(
        moves, [s for s in stages if s.order >= 0], [s for s in stages if s.order < 0]
    )


def stored_funnel(start, end) -> dict:
    lower, upper = selectors._bounds(start, end)
    stages = list(Stage.objects.order_by("order"))
    return selectors._reached_stored(
        lower=lower,
        upper=upper,
        ladder=[s for s in stages if s.order >= 0],
        refused=[s for s in stages if s.order < 0],
    )


def test_every_writer_keeps_the_reaches_equal_to_the_moves(org, admin_user, sales1a):
    seed_customers_bulk(count=300, seed=11)
    seed_pipeline_bulk(followups_per_customer=5, seed=11, chunk=120)
    assert StageMove.objects.count() > 300
    assert stored() == recomputed()  # the bulk seed

    stage = {s.code: s for s in Stage.objects.all()}
    owned = list(Customer.objects.filter(owner=sales1a).order_by("pk")[:4])
    first, second, third, fourth = owned
    # the stage-move service, forward, back and to the refusal
    for customer, code in ((first, "s3"), (first, "s1"), (second, "refused"), (first, "s4")):
        prospect_set_stage(actor=admin_user, customer=customer, stage=stage[code])
    # a move written with the clock set back, before the customer's existing moves
    past = StageMove.objects.filter(customer=third).order_by("at").first().at - dt.timedelta(1)
    with mock.patch("django.utils.timezone.now", return_value=past):
        prospect_set_stage(actor=admin_user, customer=third, stage=stage["s2"])
    assert stored() == recomputed()

    customer_merge(actor=admin_user, primary=fourth, duplicate=first)
    assert stored() == recomputed()
    pool_recycle_run(now=timezone.now() + dt.timedelta(days=400))
    assert stored() == recomputed()
    Customer.objects.filter(pk=second.pk).delete()  # purged: its moves and rows go
    assert not StageReach.objects.filter(customer_id=second.pk).exists()
    assert stored() == recomputed()
    # a full rebuild writes the same rows
    before = stored()
    assert stage_reach_refresh() == len(before)
    assert stored() == before


def test_the_company_funnel_from_the_reaches_equals_the_grouped_moves(org, admin_user):
    assert scope_for_user(user=admin_user).sees_all
    seed_customers_bulk(count=400, seed=12)
    seed_pipeline_bulk(followups_per_customer=6, seed=12, chunk=150)
    amounts = list(Prospect.objects.order_by("customer_id").values_list("customer_id", flat=True))
    for n, customer_id in enumerate(amounts[::3]):
        Prospect.objects.filter(customer_id=customer_id).update(
            expected_amount=Decimal("1000.50") * (n % 7 + 1)
        )
    today = timezone.localdate()
    earliest = timezone.localtime(StageMove.objects.order_by("at").first().at).date()
    periods = [
        (earliest, today),
        (today - dt.timedelta(days=90), today),
        (today - dt.timedelta(days=200), today - dt.timedelta(days=30)),
        (today - dt.timedelta(days=10), today - dt.timedelta(days=10)),
        (today.replace(month=1, day=1), today.replace(month=12, day=31)),
    ]
    for start, end in periods:
        expected = grouped_funnel(admin_user, start, end)
        assert stored_funnel(start, end) == expected, (start, end)
        assert expected["moves"] > 0 or start == end
    # the selector takes the stored path for the company funnel, and the figures agree
    start, end = periods[1]
    with CaptureQueriesContext(connection) as queries:
        figures = funnel_figures(user=admin_user, start=start, end=end)
    assert any(StageReach._meta.db_table in q["sql"] for q in queries.captured_queries)
    expected = grouped_funnel(admin_user, start, end)
    for row in figures["rows"] + figures["refused"]:
        assert row.reached == expected[f"s{row.stage.pk}"]
        assert row.amount == expected[f"a{row.stage.pk}"]
    assert figures["moves"] == expected["moves"]
    assert any(row.amount for row in figures["rows"])

"""Concurrent deliveries on one plan line never over-deliver, and concurrent orders never
plan more than a contract item's quantity (two or more real connections on PostgreSQL)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.sales.fulfilment import services
from guanxi.sales.models import Delivery, DeliveryPlan, Order
from tests.sales.factories import make_signed_contract, place_order
from tests.sales.support import items_of, run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs row locks across real connections"
    ),
]


def test_concurrent_deliveries_on_one_plan_never_over_deliver(sales1a, manager, make_customer):
    contract = make_signed_contract(sales1a, make_customer(sales1a, name="并发交付"))
    machine = items_of(contract)[0]
    today = timezone.localdate()
    for round_ in range(4):
        plan = place_order(sales1a, contract, (machine, 2)).plans.get()
        names = ["sales1a", "manager", "sales1a", "manager"]

        def deliver(username, plan_id=plan.pk):
            user = User.objects.get(username=username)
            services.delivery_record(actor=user, plan=plan_id, quantity=1, delivered_on=today)

        results = run_together([lambda n=n: deliver(n) for n in names])
        assert sorted(results) == ["ok", "ok", "refused", "refused"], (round_, results)
        plan.refresh_from_db()
        assert plan.delivered_quantity == plan.quantity == Decimal(2)
        assert sum(d.quantity for d in Delivery.objects.filter(plan=plan)) == Decimal(2)
        assert Order.objects.get(pk=plan.order_id).status == Order.Status.DELIVERED


def test_concurrent_orders_never_plan_more_than_the_item(sales1a, manager, make_customer):
    contract = make_signed_contract(sales1a, make_customer(sales1a, name="并发下单"))
    machine = items_of(contract)[0]  # quantity 10

    def order(username):
        user = User.objects.get(username=username)
        place_order(user, contract.pk, (machine.pk, 4))

    results = run_together([lambda n=n: order(n) for n in ("sales1a", "manager", "sales1a")])
    assert sorted(results) == ["ok", "ok", "refused"], results
    planned = sum(
        p.quantity
        for p in DeliveryPlan.objects.filter(contract_item=machine).exclude(
            order__status=Order.Status.CANCELLED
        )
    )
    assert planned == Decimal(8)
    numbers = list(Order.objects.filter(contract=contract).values_list("number", flat=True))
    assert len(set(numbers)) == 2

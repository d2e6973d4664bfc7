"""Orders, delivery plans, deliveries and stock-outs (ORD-3): the services' rules, remaining
quantities (also over hypothesis-generated delivery sequences), illegal states refused with
a clear message and nothing written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guanxi.core.errors import Conflict, NotFound, ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.customers.models import TimelineEvent
from guanxi.sales.fulfilment import selectors, services
from guanxi.sales.models import Contract, Delivery, Order, StockOut
from tests.sales.factories import make_signed_contract, place_order
from tests.sales.support import fulfilment_state, items_of

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def contract(sales1a, make_customer):
    return make_signed_contract(sales1a, make_customer(sales1a, name="华东贸易"))


def _messages(exc) -> str:
    return " ".join(str(m) for msgs in exc.value.field_errors.values() for m in msgs) or str(
        exc.value.message
    )


# ---------------------------------------------------------------- orders


def test_order_create_plans_and_moves_contract_to_executing(sales1a, contract):
    machine, filters = items_of(contract)
    later = timezone.localdate() + dt.timedelta(days=7)
    order = place_order(sales1a, contract, (machine, 4, later), (filters, "1.5"))
    assert order.number.startswith(f"DD-{timezone.localdate().year}-")
    assert order.status == Order.Status.OPEN
    plans = list(order.plans.order_by("id"))
    assert [(p.contract_item_id, p.quantity) for p in plans] == [
        (machine.pk, D("4")),
        (filters.pk, D("1.5")),
    ]
    contract.refresh_from_db()
    assert contract.status == Contract.Status.EXECUTING
    assert AuditLog.objects.filter(action="sales.order_create", target_id=str(order.pk)).exists()
    assert TimelineEvent.objects.filter(
        customer_id=contract.customer_id, kind="order", ref_id=str(order.pk)
    ).exists()
    rows = {row.item.pk: row for row in selectors.item_rows(contract=contract)}
    assert (rows[machine.pk].ordered, rows[machine.pk].unordered) == (D(4), D(6))
    assert (rows[filters.pk].ordered, rows[filters.pk].unordered) == (D("1.5"), D(1))
    # a second order also works on an executing contract
    place_order(sales1a, contract, (machine, 6))
    assert selectors.item_rows(contract=contract)[0].unordered == 0


@pytest.mark.parametrize(
    "status",
    [
        Contract.Status.DRAFT,
        Contract.Status.IN_APPROVAL,
        Contract.Status.COMPLETED,
        Contract.Status.TERMINATED,
    ],
)
def test_order_refused_unless_signed_or_executing(sales1a, contract, status):
    Contract.objects.filter(pk=contract.pk).update(status=status)
    contract.refresh_from_db()
    before = fulfilment_state(contract)
    with translation.override("en"):
        with pytest.raises(Conflict) as exc:
            place_order(sales1a, contract, (items_of(contract)[0], 1))
        message = str(exc.value.message)
        assert "orders can only be placed on a signed or executing contract" in message
        assert contract.get_status_display() in message
    assert fulfilment_state(contract) == before


def test_planned_never_exceeds_item_quantity(sales1a, contract):
    machine, filters = items_of(contract)
    place_order(sales1a, contract, (machine, 7))
    before = fulfilment_state(contract)
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        place_order(sales1a, contract, (machine, 2), (machine, 2))  # 4 > 3 left
    assert "only 3 of 10 are not yet on an order" in _messages(exc)
    assert "空气净化器" in _messages(exc)
    assert fulfilment_state(contract) == before
    place_order(sales1a, contract, (machine, 3), (filters, "2.5"))
    with pytest.raises(ValidationFailed):
        place_order(sales1a, contract, (filters, "0.001"))


def test_cancelled_order_frees_its_quantities(sales1a, contract):
    machine, _filters = items_of(contract)
    order = place_order(sales1a, contract, (machine, 10))
    with pytest.raises(ValidationFailed):
        place_order(sales1a, contract, (machine, 1))
    services.order_cancel(actor=sales1a, order=order)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert AuditLog.objects.filter(action="sales.order_cancel", target_id=str(order.pk)).exists()
    assert place_order(sales1a, contract, (machine, 10)).status == Order.Status.OPEN


@pytest.mark.parametrize(
    "line, field, message",
    [
        ({"quantity": "0"}, "plans.0.quantity", "The quantity must be more than 0."),
        ({"quantity": "-2"}, "plans.0.quantity", "The quantity must be more than 0."),
        ({"quantity": "1.0005"}, "plans.0.quantity", "Use at most three decimal places"),
        ({"quantity": "abc"}, "plans.0.quantity", "Enter a number."),
        ({"quantity": ""}, "plans.0.quantity", "Enter a quantity."),
        ({"quantity": "1e12"}, "plans.0.quantity", "This quantity is too large."),
        ({"planned_on": "not a date"}, "plans.0.planned_on", "Enter a valid date."),
        ({"planned_on": "2000-01-01"}, "plans.0.planned_on", "cannot be before the order date"),
        ({"contract_item": 999999}, "plans.0.contract_item", "Choose an item of this contract."),
        ({"notes": "x" * 201}, "plans.0.notes", "at most 200 characters"),
    ],
)
def test_bad_plan_lines_refused_per_field(sales1a, contract, line, field, message):
    base = {"contract_item": items_of(contract)[0], "quantity": "1", "planned_on": "2099-01-01"}
    before = fulfilment_state(contract)
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        services.order_create(
            actor=sales1a,
            contract=contract,
            ordered_on=timezone.localdate(),
            plans=[services.DeliveryPlanInput(**{**base, **line})],
        )
    assert field in exc.value.field_errors, exc.value.field_errors
    assert message in " ".join(str(m) for m in exc.value.field_errors[field])
    assert fulfilment_state(contract) == before


def test_item_of_another_contract_refused(sales1a, contract, make_customer):
    other = make_signed_contract(sales1a, make_customer(sales1a, name="另一家"))
    with pytest.raises(ValidationFailed) as exc:
        place_order(sales1a, contract, (items_of(other)[0], 1))
    assert "plans.0.contract_item" in exc.value.field_errors


def test_order_needs_lines(sales1a, contract):
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        services.order_create(
            actor=sales1a, contract=contract, ordered_on=timezone.localdate(), plans=[]
        )
    assert "Add at least one line" in _messages(exc)


def test_out_of_scope_actor_changes_nothing(sales1a, sales1b, sales2a, contract):
    machine, _filters = items_of(contract)
    order = place_order(sales1a, contract, (machine, 5))
    plan = order.plans.get()
    before = fulfilment_state(contract)
    today = timezone.localdate()
    for actor in (sales1b, sales2a):
        with pytest.raises(NotFound):
            place_order(actor, contract, (machine, 1))
        with pytest.raises(NotFound):
            services.delivery_record(actor=actor, plan=plan, quantity=1, delivered_on=today)
        with pytest.raises(NotFound):
            services.order_cancel(actor=actor, order=order)
        with pytest.raises(NotFound):
            services.stockout_record(
                actor=actor, contract=contract, contract_item=machine, quantity=1, out_on=today
            )
    assert fulfilment_state(contract) == before


def test_manager_may_act_on_the_team_contract(manager, contract):
    order = place_order(manager, contract, (items_of(contract)[0], 1))
    assert order.created_by == manager


# ---------------------------------------------------------------- deliveries


def test_deliveries_move_plan_order_and_remaining(sales1a, contract):
    machine, filters = items_of(contract)
    order = place_order(sales1a, contract, (machine, 4), (filters, "2.5"))
    plan_m, plan_f = order.plans.order_by("id")
    today = timezone.localdate()
    delivery = services.delivery_record(
        actor=sales1a, plan=plan_m, quantity="1.5", delivered_on=today, receiver="张三"
    )
    assert delivery.recorded_by == sales1a
    plan_m.refresh_from_db()
    order.refresh_from_db()
    assert plan_m.delivered_quantity == D("1.5") and plan_m.remaining_quantity == D("2.5")
    assert order.status == Order.Status.PARTIAL
    rows = {row.item.pk: row for row in selectors.item_rows(contract=contract)}
    assert rows[machine.pk].delivered == D("1.5") and rows[machine.pk].remaining == D("8.5")
    services.delivery_record(actor=sales1a, plan=plan_m, quantity="2.5", delivered_on=today)
    order.refresh_from_db()
    assert order.status == Order.Status.PARTIAL  # the filters are still owed
    services.delivery_record(actor=sales1a, plan=plan_f, quantity="2.5", delivered_on=today)
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    rows = {row.item.pk: row for row in selectors.item_rows(contract=contract)}
    assert rows[machine.pk].remaining == 6 and rows[filters.pk].remaining == 0
    assert AuditLog.objects.filter(action="sales.delivery_record").count() == 3
    assert TimelineEvent.objects.filter(customer_id=contract.customer_id, kind="delivery").count()


def test_over_delivery_refused_with_the_remaining_quantity(sales1a, contract):
    order = place_order(sales1a, contract, (items_of(contract)[0], 3))
    plan = order.plans.get()
    today = timezone.localdate()
    services.delivery_record(actor=sales1a, plan=plan, quantity=2, delivered_on=today)
    before = fulfilment_state(contract)
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        services.delivery_record(actor=sales1a, plan=plan, quantity="1.001", delivered_on=today)
    assert exc.value.field_errors["quantity"] == [
        "Only 1 remain to be delivered on this plan line."
    ]
    assert fulfilment_state(contract) == before
    services.delivery_record(actor=sales1a, plan=plan, quantity=1, delivered_on=today)
    with translation.override("en"), pytest.raises(Conflict) as exc:
        services.delivery_record(actor=sales1a, plan=plan, quantity=1, delivered_on=today)
    assert "fully delivered" in str(exc.value.message)


def test_delivery_dates_checked(sales1a, contract):
    order = place_order(sales1a, contract, (items_of(contract)[0], 3))
    plan = order.plans.get()
    today = timezone.localdate()
    before = fulfilment_state(contract)
    with translation.override("en"):
        with pytest.raises(ValidationFailed) as exc:
            services.delivery_record(
                actor=sales1a, plan=plan, quantity=1, delivered_on=today + dt.timedelta(days=1)
            )
        assert "cannot be in the future" in _messages(exc)
        with pytest.raises(ValidationFailed) as exc:
            services.delivery_record(
                actor=sales1a, plan=plan, quantity=1, delivered_on=today - dt.timedelta(days=1)
            )
        assert "before the order date" in _messages(exc)
        with pytest.raises(ValidationFailed) as exc:
            services.delivery_record(
                actor=sales1a, plan=plan, quantity=1, delivered_on=today, receiver="x" * 61
            )
        assert "receiver" in exc.value.field_errors
    assert fulfilment_state(contract) == before


def test_delivery_refused_on_cancelled_order_and_inactive_contract(sales1a, contract):
    machine, filters = items_of(contract)
    today = timezone.localdate()
    cancelled = place_order(sales1a, contract, (machine, 2))
    services.order_cancel(actor=sales1a, order=cancelled)
    with translation.override("en"), pytest.raises(Conflict) as exc:
        services.delivery_record(
            actor=sales1a, plan=cancelled.plans.get(), quantity=1, delivered_on=today
        )
    assert "is cancelled" in str(exc.value.message)
    live = place_order(sales1a, contract, (filters, 1))
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.TERMINATED)
    before = fulfilment_state(contract)
    with translation.override("en"), pytest.raises(Conflict) as exc:
        services.delivery_record(
            actor=sales1a, plan=live.plans.get(), quantity=1, delivered_on=today
        )
    assert "deliveries can only be recorded on a signed or executing contract" in str(
        exc.value.message
    )
    assert fulfilment_state(contract) == before


def test_cancel_refused_after_delivery_stock_out_or_twice(sales1a, contract):
    machine, filters = items_of(contract)
    today = timezone.localdate()
    delivered = place_order(sales1a, contract, (machine, 2))
    services.delivery_record(
        actor=sales1a, plan=delivered.plans.get(), quantity=1, delivered_on=today
    )
    with translation.override("en"), pytest.raises(Conflict) as exc:
        services.order_cancel(actor=sales1a, order=delivered)
    assert "deliveries have been recorded" in str(exc.value.message)
    shipped = place_order(sales1a, contract, (filters, 1))
    services.stockout_record(
        actor=sales1a,
        contract=contract,
        contract_item=filters,
        quantity=1,
        out_on=today,
        order=shipped,
    )
    with translation.override("en"), pytest.raises(Conflict) as exc:
        services.order_cancel(actor=sales1a, order=shipped)
    assert "left the warehouse" in str(exc.value.message)
    spare = place_order(sales1a, contract, (machine, 1))
    services.order_cancel(actor=sales1a, order=spare)
    with translation.override("en"), pytest.raises(Conflict) as exc:
        services.order_cancel(actor=sales1a, order=spare)
    assert "already cancelled" in str(exc.value.message)


# ---------------------------------------------------------------- stock-out


def test_stock_out_numbers_and_limits(sales1a, contract):
    machine, filters = items_of(contract)
    today = timezone.localdate()
    first = services.stockout_record(
        actor=sales1a,
        contract=contract,
        contract_item=machine,
        quantity=6,
        out_on=today,
        warehouse="上海一号仓",
    )
    second = services.stockout_record(
        actor=sales1a, contract=contract, contract_item=machine, quantity=4, out_on=today
    )
    year = today.year
    assert first.number.startswith(f"CK-{year}-") and second.number != first.number
    contract.refresh_from_db()
    assert contract.status == Contract.Status.EXECUTING  # the first stock-out starts execution
    before = fulfilment_state(contract)
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        services.stockout_record(
            actor=sales1a, contract=contract, contract_item=machine, quantity="0.001", out_on=today
        )
    assert "only 0 of 10 are left to take out of stock" in _messages(exc)
    assert fulfilment_state(contract) == before
    rows = {row.item.pk: row for row in selectors.item_rows(contract=contract)}
    assert rows[machine.pk].stocked_out == 10 and rows[filters.pk].stocked_out == 0


def test_stock_out_order_must_match(sales1a, contract, make_customer):
    machine, filters = items_of(contract)
    today = timezone.localdate()
    order = place_order(sales1a, contract, (machine, 2))
    other_contract = make_signed_contract(sales1a, make_customer(sales1a, name="别家"))
    other_order = place_order(sales1a, other_contract, (items_of(other_contract)[0], 1))
    cancelled = place_order(sales1a, contract, (filters, 1))
    services.order_cancel(actor=sales1a, order=cancelled)
    before = fulfilment_state(contract)
    cases = [
        (machine, other_order, "Choose an order of this contract."),
        (filters, order, "This item is not on the chosen order."),
        (filters, cancelled, "This order is cancelled."),
    ]
    for item, linked, message in cases:
        with translation.override("en"), pytest.raises(ValidationFailed) as exc:
            services.stockout_record(
                actor=sales1a,
                contract=contract,
                contract_item=item,
                quantity=1,
                out_on=today,
                order=linked,
            )
        assert exc.value.field_errors["order"] == [message]
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        services.stockout_record(
            actor=sales1a,
            contract=contract,
            contract_item=items_of(other_contract)[0],
            quantity=1,
            out_on=today,
        )
    assert exc.value.field_errors["contract_item"] == ["Choose an item of this contract."]
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        services.stockout_record(
            actor=sales1a,
            contract=contract,
            contract_item=machine,
            quantity=1,
            out_on=today + dt.timedelta(days=1),
        )
    assert "cannot be in the future" in _messages(exc)
    assert fulfilment_state(contract) == before
    linked = services.stockout_record(
        actor=sales1a,
        contract=contract,
        contract_item=machine,
        quantity=1,
        out_on=today,
        order=order.pk,
    )
    assert linked.order_id == order.pk


@pytest.mark.parametrize("status", [Contract.Status.DRAFT, Contract.Status.COMPLETED])
def test_stock_out_refused_on_inactive_contract(sales1a, contract, status):
    Contract.objects.filter(pk=contract.pk).update(status=status)
    with translation.override("en"), pytest.raises(Conflict) as exc:
        services.stockout_record(
            actor=sales1a,
            contract=contract,
            contract_item=items_of(contract)[0],
            quantity=1,
            out_on=timezone.localdate(),
        )
    assert "stock-outs can only be recorded on a signed or executing contract" in str(
        exc.value.message
    )
    assert not StockOut.objects.exists()


# ---------------------------------------------------------------- remaining quantities, always


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    planned=st.lists(
        st.decimals(min_value=D("0.001"), max_value=D("3"), places=3), min_size=1, max_size=3
    ),
    attempts=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=2),
            st.decimals(min_value=D("-1"), max_value=D("6"), places=3),
        ),
        max_size=12,
    ),
)
def test_remaining_quantities_always_right(sales1a, contract, planned, attempts):
    """Any sequence of deliveries, some of them too big or not positive: every accepted one
    is counted exactly once, refused ones change nothing, and remaining = planned − Σ
    delivered per plan and quantity − Σ delivered per item."""
    machine = items_of(contract)[0]  # quantity 10 > Σ planned (at most 3 × 3)
    today = timezone.localdate()
    with transaction.atomic():
        order = place_order(sales1a, contract, *[(machine, q) for q in planned])
        plans = list(order.plans.order_by("id"))
        expected = [D(0)] * len(plans)
        for index, quantity in attempts:
            index %= len(plans)
            remaining = plans[index].quantity - expected[index]
            try:
                services.delivery_record(
                    actor=sales1a, plan=plans[index], quantity=quantity, delivered_on=today
                )
            except (ValidationFailed, Conflict):
                assert quantity <= 0 or quantity > remaining
            else:
                assert 0 < quantity <= remaining
                expected[index] += quantity
            for plan, delivered in zip(plans, expected, strict=True):
                plan.refresh_from_db()
                assert plan.delivered_quantity == delivered
                assert plan.remaining_quantity == plan.quantity - delivered
                total = sum((d.quantity for d in Delivery.objects.filter(plan=plan)), D(0))
                assert total == delivered
        row = next(r for r in selectors.item_rows(contract=contract) if r.item.pk == machine.pk)
        assert row.delivered == sum(expected, D(0))
        assert row.remaining == machine.quantity - sum(expected, D(0))
        order.refresh_from_db()
        assert order.status == services.order_status_from_plans(plans=plans)
        transaction.set_rollback(True)

"""The fulfilment panel on the contract page and the delivery schedule (ORD-3): htmx forms,
errors shown in place, data scope per role with nothing changed when access is denied,
bounded query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from guanxi.sales.fulfilment import services
from guanxi.sales.models import Contract, Delivery, DeliveryPlan, Order, StockOut
from tests.sales.factories import make_signed_contract, place_order
from tests.sales.support import SEES, fulfilment_state, items_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def english(org):
    """These tests read the pages' messages in English: the users chose English (the
    language of a logged-in user wins over the browser's)."""
    from guanxi.accounts.models import User

    User.objects.update(language="en")


@pytest.fixture
def contract(sales1a, make_customer):
    return make_signed_contract(sales1a, make_customer(sales1a, name="华东贸易"))


def _panel(client, contract, **extra):
    return client.get(reverse("sales:contract_fulfilment", args=[contract.pk]), **extra)


def test_panel_shows_items_orders_and_forms(client_for, sales1a, contract):
    machine, _filters = items_of(contract)
    order = place_order(sales1a, contract, (machine, 4))
    services.delivery_record(
        actor=sales1a, plan=order.plans.get(), quantity="1.5", delivered_on=timezone.localdate()
    )
    client = client_for(sales1a)
    with translation.override("en"):
        response = _panel(client, contract, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment for htmx
    assert 'id="gx-fulfilment-panel"' in html
    assert order.number in html and "空气净化器" in html
    assert 'data-remaining="8.5"' in html  # item: 10 − 1.5
    assert 'data-remaining="2.5"' in html  # plan: 4 − 1.5
    assert reverse("sales:fulfilment_order_create", args=[contract.pk]) in html
    assert reverse("sales:fulfilment_stockout_record", args=[contract.pk]) in html
    assert reverse("sales:fulfilment_delivery_record", args=[order.plans.get().pk]) in html
    assert reverse("sales:fulfilment_order_cancel", args=[order.pk]) not in html  # delivered
    page = _panel(client, contract)
    assert page.status_code == 200 and b"<html" in page.content


def test_no_forms_when_contract_not_active(client_for, sales1a, contract):
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.DRAFT)
    with translation.override("en"):
        html = _panel(client_for(sales1a), contract, **HTMX).content.decode()
    assert "can only be recorded while it is signed or executing" in html
    assert reverse("sales:fulfilment_order_create", args=[contract.pk]) not in html
    assert reverse("sales:fulfilment_stockout_record", args=[contract.pk]) not in html


def test_order_form_creates_order_and_rerenders_panel(client_for, sales1a, contract):
    machine, filters = items_of(contract)
    today = timezone.localdate()
    client = client_for(sales1a)
    data = {
        "order-ordered_on": today.isoformat(),
        "order-notes": "首批",
        f"order-q_{machine.pk}": "3",
        f"order-d_{machine.pk}": (today + dt.timedelta(days=3)).isoformat(),
        f"order-q_{filters.pk}": "",  # skipped
        f"order-d_{filters.pk}": today.isoformat(),
    }
    url = reverse("sales:fulfilment_order_create", args=[contract.pk])
    with translation.override("en"):
        response = client.post(url, data, **HTMX)
    html = response.content.decode()
    order = Order.objects.get(contract=contract)
    assert response.status_code == 200 and f"Order {order.number} placed." in html
    assert [(p.contract_item_id, p.quantity) for p in order.plans.all()] == [(machine.pk, 3)]
    assert order.notes == "首批"
    # without htmx: redirect back with a message
    data[f"order-q_{machine.pk}"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302
    assert Order.objects.filter(contract=contract).count() == 2


def test_order_form_errors_shown_in_the_panel(client_for, sales1a, contract):
    machine, _filters = items_of(contract)
    today = timezone.localdate()
    before = fulfilment_state(contract)
    url = reverse("sales:fulfilment_order_create", args=[contract.pk])
    with translation.override("en"):
        response = client_for(sales1a).post(
            url,
            {"order-ordered_on": today.isoformat(), f"order-q_{machine.pk}": "11"},
            **HTMX,
        )
        empty = client_for(sales1a).post(url, {"order-ordered_on": today.isoformat()}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "only 10 of 10 are not yet on an order" in html
    assert "<details" in html and "open" in html
    assert "Add at least one line with a quantity to deliver." in empty.content.decode()
    assert fulfilment_state(contract) == before


def test_delivery_form_records_and_refuses_over_delivery(client_for, sales1a, contract):
    order = place_order(sales1a, contract, (items_of(contract)[0], 2))
    plan = order.plans.get()
    client = client_for(sales1a)
    url = reverse("sales:fulfilment_delivery_record", args=[plan.pk])
    today = timezone.localdate().isoformat()
    with translation.override("en"):
        refused = client.post(
            url, {f"p{plan.pk}-quantity": "3", f"p{plan.pk}-delivered_on": today}, **HTMX
        )
    assert "Only 2 remain to be delivered on this plan line." in refused.content.decode()
    assert not Delivery.objects.exists()
    with translation.override("en"):
        done = client.post(
            url,
            {
                f"p{plan.pk}-quantity": "2",
                f"p{plan.pk}-delivered_on": today,
                f"p{plan.pk}-receiver": "王五",
            },
            **HTMX,
        )
    assert "Delivery of 2 空气净化器 recorded." in done.content.decode()
    plan.refresh_from_db()
    assert plan.delivered_quantity == 2
    assert Order.objects.get(pk=order.pk).status == Order.Status.DELIVERED


def test_stockout_and_cancel_forms(client_for, sales1a, contract):
    machine, filters = items_of(contract)
    order = place_order(sales1a, contract, (filters, 1))
    client = client_for(sales1a)
    today = timezone.localdate().isoformat()
    with translation.override("en"):
        response = client.post(
            reverse("sales:fulfilment_stockout_record", args=[contract.pk]),
            {
                "out-contract_item": machine.pk,
                "out-quantity": "5",
                "out-out_on": today,
                "out-warehouse": "一号仓",
                "out-order": "",
            },
            **HTMX,
        )
    record = StockOut.objects.get()
    assert f"Stock-out {record.number} recorded." in response.content.decode()
    assert record.warehouse == "一号仓" and record.order_id is None
    with translation.override("en"):
        response = client.post(reverse("sales:fulfilment_order_cancel", args=[order.pk]), **HTMX)
    assert f"Order {order.number} cancelled." in response.content.decode()
    with translation.override("en"):
        again = client.post(reverse("sales:fulfilment_order_cancel", args=[order.pk]), **HTMX)
    assert "already cancelled" in again.content.decode()


@pytest.mark.parametrize("username, sees", sorted(SEES.items()))
def test_panel_and_actions_scoped_per_role(client_for, org, sales1a, contract, username, sees):
    machine, _filters = items_of(contract)
    order = place_order(sales1a, contract, (machine, 2))
    plan = order.plans.get()
    client = client_for(org[username])
    assert _panel(client, contract, **HTMX).status_code == (200 if sees else 404)
    if sees:
        return
    before = fulfilment_state(contract)
    today = timezone.localdate().isoformat()
    posts = [
        (
            reverse("sales:fulfilment_order_create", args=[contract.pk]),
            {"order-ordered_on": today, f"order-q_{machine.pk}": "1"},
        ),
        (reverse("sales:fulfilment_order_cancel", args=[order.pk]), {}),
        (
            reverse("sales:fulfilment_delivery_record", args=[plan.pk]),
            {f"p{plan.pk}-quantity": "1", f"p{plan.pk}-delivered_on": today},
        ),
        (
            reverse("sales:fulfilment_stockout_record", args=[contract.pk]),
            {"out-contract_item": machine.pk, "out-quantity": "1", "out-out_on": today},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data, **HTMX).status_code == 404
    assert fulfilment_state(contract) == before


def test_anonymous_is_sent_to_login(client, contract):
    response = _panel(client, contract)
    assert response.status_code == 302 and "login" in response["Location"]


def test_panel_query_count_is_bounded(client_for, sales1a, contract, django_assert_max_num_queries):
    machine, filters = items_of(contract)
    today = timezone.localdate()
    for _ in range(5):
        order = place_order(sales1a, contract, (machine, 1), (filters, "0.5"))
        services.delivery_record(
            actor=sales1a, plan=order.plans.first(), quantity="0.5", delivered_on=today
        )
        services.stockout_record(
            actor=sales1a, contract=contract, contract_item=machine, quantity="0.5", out_on=today
        )
    client = client_for(sales1a)
    _panel(client, contract, **HTMX)  # warm the session/user caches
    with django_assert_max_num_queries(14):
        response = _panel(client, contract, **HTMX)
    assert response.status_code == 200


# ---------------------------------------------------------------- the delivery schedule


@pytest.fixture
def scheduled(sales1a, sales2a, make_customer):
    """A late and an upcoming plan line for sales1a, one far ahead, one for sales2a, one on a
    cancelled order and one fully delivered (never listed)."""
    today = timezone.localdate()
    mine = make_signed_contract(sales1a, make_customer(sales1a, name="一部客户"))
    theirs = make_signed_contract(sales2a, make_customer(sales2a, name="二部客户"))
    machine, filters = items_of(mine)
    late = place_order(
        sales1a, mine, (machine, 2, today), ordered_on=today - dt.timedelta(days=5)
    ).plans.get()
    DeliveryPlan.objects.filter(pk=late.pk).update(planned_on=today - dt.timedelta(days=3))
    soon = place_order(sales1a, mine, (filters, 1, today + dt.timedelta(days=2))).plans.get()
    far = place_order(sales1a, mine, (machine, 1, today + dt.timedelta(days=90))).plans.get()
    cancelled = place_order(sales1a, mine, (machine, 1, today + dt.timedelta(days=1)))
    services.order_cancel(actor=sales1a, order=cancelled)
    done = place_order(sales1a, mine, (machine, 1, today)).plans.get()
    services.delivery_record(actor=sales1a, plan=done, quantity=1, delivered_on=today)
    other = place_order(
        sales2a, theirs, (items_of(theirs)[0], 1, today + dt.timedelta(days=1))
    ).plans.get()
    return {"late": late, "soon": soon, "far": far, "other": other, "done": done}


def _listed(response):
    return {plan.pk for plan in response.context["plans"]}


def test_schedule_lists_open_late_and_upcoming(client_for, sales1a, scheduled):
    client = client_for(sales1a)
    url = reverse("sales:delivery_schedule")
    with translation.override("en"):
        response = client.get(url)
    assert response.status_code == 200
    assert [p.pk for p in response.context["plans"]] == [
        scheduled["late"].pk,
        scheduled["soon"].pk,
        scheduled["far"].pk,
    ]
    assert "3 days late" in response.content.decode()
    assert _listed(client.get(url, {"state": "late"})) == {scheduled["late"].pk}
    assert _listed(client.get(url, {"state": "upcoming"})) == {scheduled["soon"].pk}
    assert _listed(client.get(url, {"state": "upcoming", "days": "120"})) == {
        scheduled["soon"].pk,
        scheduled["far"].pk,
    }
    assert client.get(url, {"state": "bogus", "days": "x", "after": "zz"}).status_code == 200


def test_schedule_keyset_pages(client_for, sales1a, scheduled, monkeypatch):
    from guanxi.sales.fulfilment import selectors as selectors_fulfilment

    client = client_for(sales1a)
    url = reverse("sales:delivery_schedule")
    original = selectors_fulfilment.delivery_schedule
    monkeypatch.setattr(
        selectors_fulfilment,
        "delivery_schedule",
        lambda **kw: original(**{**kw, "limit": 2}),
    )
    first = client.get(url)
    assert len(first.context["plans"]) == 2 and first.context["next_cursor"]
    second = client.get(url, {"after": first.context["next_cursor"]}, **HTMX)
    assert _listed(second) == {scheduled["far"].pk}
    assert b"<html" not in second.content


@pytest.mark.parametrize("username", sorted(SEES))
def test_schedule_scoped_per_role(client_for, org, scheduled, username):
    listed = _listed(client_for(org[username]).get(reverse("sales:delivery_schedule")))
    mine = {scheduled[k].pk for k in ("late", "soon", "far")}
    expected = {
        "sales1a": mine,
        "sales1b": set(),
        "sales2a": {scheduled["other"].pk},
        "manager": mine | {scheduled["other"].pk},
    }.get(username, mine | {scheduled["other"].pk})
    assert listed == expected


def test_schedule_owner_filter_stays_in_scope(client_for, sales1a, sales2a, manager, scheduled):
    url = reverse("sales:delivery_schedule")
    assert _listed(client_for(manager).get(url, {"owner": sales2a.pk})) == {scheduled["other"].pk}
    # a consultant cannot widen their scope with the filter
    assert _listed(client_for(sales1a).get(url, {"owner": sales2a.pk})) == set()


def test_schedule_query_count(client_for, manager, scheduled, django_assert_max_num_queries):
    client = client_for(manager)
    client.get(reverse("sales:delivery_schedule"))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("sales:delivery_schedule")).status_code == 200

"""Purchase history (INTG-1): contract_record_history and contracts_remove_history — the
permission, the checks, the duplicate order number, what may be removed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from guanxi.core.errors import Conflict, PermissionDenied, ValidationFailed
from guanxi.sales.models import Contract
from guanxi.sales.receivables.services import (
    HistoricPurchase,
    contract_record_history,
    contracts_remove_history,
)
from tests.sales.factories import make_signed_contract, pay

pytestmark = pytest.mark.django_db

DAY = dt.date(2019, 3, 1)


def test_history_needs_the_permission_and_sane_amounts(sales1a, manager, make_customer):
    customer = make_customer(sales1a)
    data = HistoricPurchase(signed_on=DAY, amount=Decimal("800"), reference="OLD-1")
    with pytest.raises(PermissionDenied):
        contract_record_history(actor=sales1a, customer=customer, data=data)
    with pytest.raises(ValidationFailed) as caught:
        contract_record_history(
            actor=manager,
            customer=customer,
            data=HistoricPurchase(
                signed_on=timezone.localdate() + dt.timedelta(days=2),
                amount=Decimal("800"),
                paid_amount=Decimal("900"),
            ),
        )
    assert {"signed_on", "paid_amount"} <= set(caught.value.field_errors)
    contract = contract_record_history(actor=manager, customer=customer, data=data)
    assert contract.status == "completed" and contract.number.startswith("HT-2019-")
    with pytest.raises(Conflict):
        contract_record_history(actor=manager, customer=customer, data=data)


def test_only_untouched_history_is_removed(manager, sales1a, make_customer):
    customer = make_customer(sales1a)
    kept = contract_record_history(
        actor=manager,
        customer=customer,
        data=HistoricPurchase(signed_on=DAY, amount=Decimal("800"), paid_amount=Decimal("0")),
    )
    pay(manager, kept, "100.00")  # money received since: it stays
    gone = contract_record_history(
        actor=manager, customer=customer, data=HistoricPurchase(signed_on=DAY, amount=Decimal("5"))
    )
    assert contracts_remove_history(actor=manager, contract_ids=[kept.pk, gone.pk]) == 1
    assert list(Contract.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_recorded_purchase_is_marked_with_its_old_order_number(manager, sales1a, make_customer):
    """The contract pages, the customer's contract panel and the API tell a past purchase
    from a contract signed in Guanxi, and show the old system's order number."""
    from django.urls import reverse

    from tests.sales.support import api

    customer = make_customer(sales1a, name="老系统客户")
    history = contract_record_history(
        actor=manager,
        customer=customer,
        data=HistoricPurchase(signed_on=DAY, amount=Decimal("800"), reference="ERP-2019-0042"),
    )
    client = Client()
    client.force_login(manager)
    detail = client.get(reverse("sales:contract_detail", args=[history.pk])).content.decode()
    assert 'id="contract-history"' in detail and "ERP-2019-0042" in detail
    signed = make_signed_contract(sales1a, customer)
    assert (
        'id="contract-history"'
        not in client.get(reverse("sales:contract_detail", args=[signed.pk])).content.decode()
    )
    listing = client.get(reverse("sales:contract_list")).content.decode()
    assert listing.count("历史购买记录</span>") == 1  # the one past purchase, not the new one
    read = api(manager).get(f"/api/v1/contracts/{history.pk}").json()
    assert read["is_history"] is True and read["reference"] == "ERP-2019-0042"


def test_a_recorded_purchase_takes_no_orders_deliveries_or_stock_outs(manager, make_customer):
    """A past purchase was delivered in the old system: even paid in part (executing) it
    offers no order form, its panel says why, and the services refuse (UI and API alike)."""
    from django.urls import reverse

    from guanxi.sales.fulfilment import services as fulfilment
    from tests.sales.support import items_of

    customer = make_customer(manager, name="老订单客户")
    history = contract_record_history(
        actor=manager,
        customer=customer,
        data=HistoricPurchase(signed_on=DAY, amount=Decimal("800"), paid_amount=Decimal("100")),
    )
    assert history.status == Contract.Status.EXECUTING
    item = items_of(history)[0]
    with pytest.raises(Conflict) as caught:
        fulfilment.order_create(
            actor=manager,
            contract=history,
            ordered_on=timezone.localdate(),
            plans=[
                fulfilment.DeliveryPlanInput(
                    contract_item=item, quantity="1", planned_on="2099-01-01"
                )
            ],
        )
    assert caught.value.code == "ContractIsHistory"
    with pytest.raises(Conflict):
        fulfilment.stockout_record(
            actor=manager, contract=history, contract_item=item, quantity=1, out_on=DAY
        )
    client = Client()
    client.force_login(manager)
    panel = client.get(
        reverse("sales:contract_fulfilment", args=[history.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="gx-fulfilment-history"' in panel
    assert 'id="gx-fulfilment-items"' not in panel and "fulfilment_order_create" not in panel
    assert reverse("sales:fulfilment_order_create", args=[history.pk]) not in panel

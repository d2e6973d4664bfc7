"""contracts.services.contract_timeline_add: a contract's event on its customer's timeline,
as the contract services and the recorded purchase history write it."""

import datetime as dt

import pytest
from django.utils import timezone

from guanxi.customers.models import TimelineEvent
from guanxi.sales.contracts.services import contract_timeline_add
from tests.sales.factories import DraftContractFactory

pytestmark = pytest.mark.django_db


def test_the_event_names_the_contract_beside_its_own_data(sales1a, make_customer):
    contract = DraftContractFactory(owner=sales1a, customer=make_customer(sales1a))
    when = timezone.now() - dt.timedelta(days=400)
    contract_timeline_add(
        contract=contract, title="过往采购", actor=sales1a, occurred_at=when, data={"paid": "1"}
    )
    event = TimelineEvent.objects.filter(customer=contract.customer, title="过往采购").get()
    assert event.kind == "contract"
    assert event.occurred_at == when
    assert (event.ref_type, event.ref_id) == ("sales.contract", str(contract.pk))
    assert event.data == {"contract": contract.pk, "number": contract.number, "paid": "1"}


def test_without_a_moment_the_event_happens_now(sales1a, make_customer):
    contract = DraftContractFactory(owner=sales1a, customer=make_customer(sales1a))
    before = timezone.now()
    contract_timeline_add(contract=contract, title="备注", actor=sales1a)
    event = TimelineEvent.objects.filter(customer=contract.customer, title="备注").get()
    assert event.occurred_at >= before
    assert event.data == {"contract": contract.pk, "number": contract.number}

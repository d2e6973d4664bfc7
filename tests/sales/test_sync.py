"""sales.common.sync.contract_copies: what a record of a contract copies from it, the same
columns when it is made and when contract_copies_refresh brings it in step."""

import pytest

from guanxi.sales.common import sync
from guanxi.sales.models import Contract, Instalment, Invoice, Payment
from tests.sales.factories import make_contract, pay


def _contract(status) -> Contract:
    return Contract(owner_id=7, department_id=3, customer_id=11, status=status)


def test_an_instalment_copies_the_scope_the_customer_and_whether_the_contract_is_active():
    assert sync.contract_copies(_contract(Contract.Status.SIGNED), Instalment) == {
        "owner_id": 7,
        "department_id": 3,
        "customer_id": 11,
        "active": True,
    }
    assert sync.contract_copies(_contract(Contract.Status.DRAFT), Instalment)["active"] is False


@pytest.mark.parametrize("model", [Payment, Invoice])
def test_payments_and_invoices_copy_the_owner_and_department(model):
    copies = sync.contract_copies(_contract(Contract.Status.EXECUTING), model)
    assert copies == {"owner_id": 7, "department_id": 3}


@pytest.mark.django_db
def test_records_made_by_the_services_carry_their_contracts_copies(sales1a, make_customer):
    contract = make_contract(sales1a, make_customer(sales1a), total="900.00")
    pay(sales1a, contract, "300.00")
    contract.refresh_from_db()
    for model in (Instalment, Payment):
        rows = model.objects.filter(contract_id=contract.pk)
        assert rows.exists()
        expected = sync.contract_copies(contract, model)
        assert all({name: getattr(row, name) for name in expected} == expected for row in rows)

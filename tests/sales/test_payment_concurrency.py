"""Concurrent payments against one contract's instalments (ORD-4, issue 4 reliability): no
lost update and no double booking, with real simultaneous connections on PostgreSQL."""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.sales.models import Contract, Instalment, Payment, PaymentAllocation
from guanxi.sales.receivables import services
from tests.sales.factories import make_contract
from tests.sales.support import check_invariants, run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs row locks across real connections"
    ),
]

D = Decimal


def _pay(username, contract_id, amount, **kwargs):
    user = User.objects.get(username=username)
    services.payment_record(
        actor=user,
        contract=Contract.objects.get(pk=contract_id),
        amount=amount,
        received_on=timezone.localdate(),
        method=Payment.Method.TRANSFER,
        **kwargs,
    )


def test_simultaneous_payments_on_one_instalment_are_all_counted(sales1a, make_customer):
    """Four payments of 750 at once on a first instalment of 3,000: every one is booked,
    none lost, and together they settle it exactly."""
    contract = make_contract(sales1a, make_customer(sales1a, name="并发回款"), total="9000.00")
    first = Instalment.objects.filter(contract=contract).order_by("sequence").first()
    jobs = [
        lambda n=n: _pay(n, contract.pk, "750.00", instalment=first.pk)
        for n in ("sales1a", "manager", "sales1a", "manager")
    ]
    assert run_together(jobs) == ["ok"] * 4
    contract.refresh_from_db()
    assert contract.paid_amount == D("3000.00")
    assert Payment.objects.filter(contract=contract).count() == 4
    assert PaymentAllocation.objects.filter(instalment=first).count() == 4
    first.refresh_from_db()
    assert first.settled and first.paid_amount == D("3000.00")
    check_invariants(contract)


def test_simultaneous_payments_beyond_the_open_amount_book_only_what_fits(sales1a, make_customer):
    """Three payments of 4,000 at once on a contract with 9,000 open: two fit, the third
    would be an over-payment and is refused, whatever order the database chose."""
    contract = make_contract(sales1a, make_customer(sales1a, name="并发超额"), total="9000.00")
    jobs = [lambda n=n: _pay(n, contract.pk, "4000.00") for n in ("sales1a", "manager", "admin")]
    assert sorted(run_together(jobs)) == ["ok", "ok", "refused"]
    contract.refresh_from_db()
    assert contract.paid_amount == D("8000.00")
    assert Payment.objects.filter(contract=contract).count() == 2
    assert PaymentAllocation.objects.filter(payment__contract=contract).count() >= 2
    check_invariants(contract)


def test_the_same_idempotency_key_at_once_books_one_payment(sales1a, make_customer):
    """A client that retries before the first answer arrives: the same key and body sent
    four times at once is one payment."""
    contract = make_contract(sales1a, make_customer(sales1a, name="并发重试"), total="9000.00")
    jobs = [
        lambda: _pay("sales1a", contract.pk, "500.00", idempotency_key="retry-7f3a")
        for _ in range(4)
    ]
    assert run_together(jobs) == ["ok"] * 4
    contract.refresh_from_db()
    assert contract.paid_amount == D("500.00")
    assert Payment.objects.filter(contract=contract).count() == 1
    check_invariants(contract)

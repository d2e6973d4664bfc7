"""The bulk seeder for the benchmark (`guanxi seed_sales --bulk`, issue 4 "Performance"):
rows that agree with each other the way the services would have left them."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from guanxi.customers.demo import DEMO_CONSULTANTS, seed_customers_bulk
from guanxi.customers.models import Customer
from guanxi.sales.common import numbers
from guanxi.sales.demo import seed_sales_bulk
from guanxi.sales.models import (
    Contract,
    ContractItem,
    Instalment,
    Invoice,
    Payment,
    PaymentAllocation,
)
from tests.sales.support import assert_consistent

TODAY = dt.date(2026, 11, 20)


def assert_mixed(stats, today):
    assert set(stats.by_status) == {
        Contract.Status.DRAFT,
        Contract.Status.SIGNED,
        Contract.Status.EXECUTING,
        Contract.Status.COMPLETED,
        Contract.Status.TERMINATED,
    }
    counts = dict(Contract.objects.values_list("status").annotate(n=Count("id")).order_by())
    assert counts == dict(stats.by_status)
    mostly = sum(counts[s] for s in ("signed", "executing", "completed"))
    assert mostly > 0.8 * stats.contracts
    signed = Contract.objects.exclude(signed_on=None)
    assert signed.filter(signed_on__lt=today - dt.timedelta(days=2 * 365)).exists()
    assert signed.filter(signed_on__gte=today - dt.timedelta(days=30)).exists()
    overdue = Instalment.objects.filter(active=True, settled=False, due_on__lt=today)
    assert overdue.count() == stats.overdue > 0
    assert overdue.filter(due_on__lt=today - dt.timedelta(days=90)).exists()
    assert Instalment.objects.filter(paid_amount__gt=0, settled=False).exists()  # partial
    assert Payment.objects.filter(unallocated_amount__gt=0).exists() or stats.contracts < 2000
    assert Invoice.objects.filter(kind=Invoice.Kind.SPECIAL).exists()
    assert Invoice.objects.filter(kind=Invoice.Kind.NORMAL).exists()


def test_bulk_rows_agree_with_each_other(org):
    seed_customers_bulk(count=300, seed=5)
    stats = seed_sales_bulk(
        contracts_per_customer=2, instalments_per_contract=3, seed=5, chunk=70, today=TODAY
    )
    assert not stats.skipped
    assert stats.customers == Customer.objects.count() == 300
    assert stats.contracts == Contract.objects.count() == 600
    assert stats.items == ContractItem.objects.count() >= 600
    assert stats.instalments == Instalment.objects.count() == 1800
    assert stats.payments == Payment.objects.count() > 0
    assert stats.allocations == PaymentAllocation.objects.count() == stats.payments
    assert stats.invoices == Invoice.objects.count() > 0
    assert_consistent(TODAY)
    assert_mixed(stats, TODAY)
    # the data scope sees a consultant's own contracts only
    for username in DEMO_CONSULTANTS:
        user = org[username]
        visible = Contract.objects.visible_to(user)
        assert visible.count() == Contract.objects.filter(owner=user).count() > 0
        assert not visible.exclude(owner=user).exists()
    # new contract numbers continue after the seeded ones
    taken = set(Contract.objects.values_list("number", flat=True))
    for year in {c.signed_on.year for c in Contract.objects.exclude(signed_on=None)}:
        assert numbers.next_number(numbers.CONTRACT, on=dt.date(year, 6, 1)) not in taken
    # a second call does nothing
    again = seed_sales_bulk(seed=5, today=TODAY)
    assert again.skipped
    assert Contract.objects.count() == 600


def test_bulk_is_deterministic_per_seed(org):
    seed_customers_bulk(count=40, seed=8)
    seed_sales_bulk(seed=8, today=TODAY)
    first = list(
        Contract.objects.order_by("id").values_list("status", "total_amount", "paid_amount")
    )
    Invoice.objects.all().delete()
    PaymentAllocation.objects.all().delete()
    Payment.objects.all().delete()
    Contract.objects.all().delete()
    seed_sales_bulk(seed=8, today=TODAY)
    assert first == list(
        Contract.objects.order_by("id").values_list("status", "total_amount", "paid_amount")
    )


def test_bulk_refuses_silly_sizes(org):
    with pytest.raises(ValueError):
        seed_sales_bulk(contracts_per_customer=0)
    with pytest.raises(ValueError):
        seed_sales_bulk(instalments_per_contract=0)


def test_seed_sales_command_bulk(org):
    seed_customers_bulk(count=30, seed=2)
    out = StringIO()
    call_command(
        "seed_sales", bulk=True, contracts_per_customer=1, instalments_per_contract=4, stdout=out
    )
    assert "Seeded 30 contracts" in out.getvalue()
    assert Instalment.objects.count() == 120
    out = StringIO()
    call_command("seed_sales", bulk=True, stdout=out)
    assert "Contracts exist already" in out.getvalue()
    assert Contract.objects.count() == 30


def _indexes(tables):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [tables]
        )
        return dict(cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and index rebuild")
def test_bulk_on_postgres_with_indexes_dropped_and_rebuilt(org):
    tables = [
        m._meta.db_table
        for m in (Contract, ContractItem, Instalment, Payment, PaymentAllocation, Invoice)
    ]
    before = _indexes(tables)
    assert "instalment_open_idx" in before  # a partial index: dropped and rebuilt as it was
    seed_customers_bulk(count=2000, seed=11)
    stats = seed_sales_bulk(seed=11, chunk=500, drop_indexes=True, today=TODAY)
    assert stats.contracts == 4000
    assert stats.instalments == 12000
    assert _indexes(tables) == before
    assert_consistent(TODAY)
    assert_mixed(stats, TODAY)
    # the id sequences continue after the copied rows
    contract = Contract.objects.filter(status=Contract.Status.EXECUTING).first()
    payment = Payment.objects.create(
        contract=contract,
        customer_id=contract.customer_id,
        amount=Decimal("1.00"),
        received_on=TODAY,
        method=Payment.Method.CASH,
    )
    assert payment.pk > stats.payments

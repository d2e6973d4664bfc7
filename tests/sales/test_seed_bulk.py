"""The bulk seeder for the benchmark (`guanxi seed_sales --bulk`, issue 4 "Performance"):
rows that agree with each other the way the services would have left them."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum

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

TODAY = dt.date(2026, 11, 20)
ACTIVE = {Contract.Status.SIGNED, Contract.Status.EXECUTING}


def _sums(queryset, key, value="amount"):
    return {
        row[key]: row["total"] for row in queryset.values(key).annotate(total=Sum(value)).order_by()
    }


SIGNED_STATUSES = (
    Contract.Status.SIGNED,
    Contract.Status.EXECUTING,
    Contract.Status.COMPLETED,
)


def assert_consistent(today):
    """Everything the services keep in step, checked over all seeded rows."""
    contracts = {c.pk: c for c in Contract.objects.select_related("customer")}
    assert contracts
    items = _sums(ContractItem.objects.all(), "contract_id", "total_amount")
    instalment_sums = _sums(Instalment.objects.all(), "contract_id")
    confirmed = Payment.objects.filter(status=Payment.Status.CONFIRMED)
    paid = _sums(confirmed, "contract_id")
    invoiced = _sums(Invoice.objects.filter(status=Invoice.Status.ISSUED), "contract_id")
    allocated = _sums(PaymentAllocation.objects.all(), "instalment_id")
    allocated_per_payment = _sums(PaymentAllocation.objects.all(), "payment_id")
    payments_per_contract = defaultdict(int)
    for payment in confirmed:
        payments_per_contract[payment.contract_id] += 1
        assert payment.amount - payment.unallocated_amount == allocated_per_payment[payment.pk]
        assert payment.overpayment_accepted == (payment.unallocated_amount > 0)
        assert payment.received_on <= today
        assert payment.owner_id == contracts[payment.contract_id].owner_id
    for contract in contracts.values():
        # owner and department copied from the customer; totals are the sums of the rows
        assert contract.owner_id == contract.customer.owner_id
        assert contract.department_id == contract.customer.department_id
        assert contract.total_amount == items[contract.pk] > 0
        assert contract.total_amount == contract.net_amount + contract.tax_amount
        assert instalment_sums[contract.pk] == contract.total_amount
        assert contract.paid_amount == paid.get(contract.pk, Decimal("0.00"))
        assert contract.invoiced_amount == invoiced.get(contract.pk, Decimal("0.00"))
        assert contract.invoiced_amount <= contract.total_amount
        if contract.status == Contract.Status.DRAFT:
            assert contract.signed_on is None
        elif contract.status in SIGNED_STATUSES:
            assert contract.signed_on is not None
            assert contract.signed_on <= today
        elif contract.signed_on is not None:  # in approval or terminated: a planned date
            assert contract.signed_on <= today
        if contract.status in (Contract.Status.DRAFT, Contract.Status.SIGNED):
            assert contract.pk not in payments_per_contract, contract.status
        if contract.status == Contract.Status.EXECUTING:
            assert payments_per_contract[contract.pk] >= 1
        if contract.status == Contract.Status.COMPLETED:
            assert contract.paid_amount >= contract.total_amount
        if contract.status == Contract.Status.TERMINATED:
            assert contract.terminated_reason and contract.terminated_at
    for instalment in Instalment.objects.all():
        contract = contracts[instalment.contract_id]
        assert instalment.paid_amount == allocated.get(instalment.pk, Decimal("0.00"))
        assert instalment.settled == (instalment.paid_amount == instalment.amount)
        assert instalment.active == (contract.status in ACTIVE)
        assert (instalment.owner_id, instalment.department_id, instalment.customer_id) == (
            contract.owner_id,
            contract.department_id,
            contract.customer_id,
        )


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

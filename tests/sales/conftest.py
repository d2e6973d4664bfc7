"""Fixtures shared by the sales test modules."""

import datetime as dt

import pytest
from django.utils import timezone

from guanxi.sales.models import Contract, Invoice, Payment
from tests.sales.factories import (
    ContractRowFactory,
    InstalmentRowFactory,
    InvoiceRowFactory,
    PaymentRowFactory,
    ProductFactory,
)


@pytest.fixture
def products(org):
    return {
        "a": ProductFactory(code="A-1", name="标准版", unit="套", list_price="1000.00"),
        "b": ProductFactory(
            code="B-1", name="实施服务", unit="天", list_price="800.00", tax_rate="0.0600"
        ),
    }


@pytest.fixture
def data(sales1a, sales2a, make_customer):
    """This month: sales1a signed C1 (10,000.10) and C2 (2,500.00); a terminated, a draft
    and last month's contract do not count. sales2a signed C6 (3,333.33)."""
    today = timezone.localdate()
    start = today.replace(day=1)
    last_month = start - dt.timedelta(days=1)
    S = Contract.Status
    a = make_customer(sales1a, name="甲公司")
    b = make_customer(sales2a, name="乙公司")
    c1 = ContractRowFactory(
        customer=a, status=S.SIGNED, signed_on=start, total="10000.10", paid="3000.05"
    )
    c2 = ContractRowFactory(customer=a, status=S.EXECUTING, signed_on=start, total="2500.00")
    ContractRowFactory(customer=a, status=S.TERMINATED, signed_on=start, total="99999.00")
    ContractRowFactory(customer=a, status=S.DRAFT, signed_on=start, total="500.00")
    c5 = ContractRowFactory(
        customer=a, status=S.COMPLETED, signed_on=last_month, total="7000", paid="7000"
    )
    c6 = ContractRowFactory(
        customer=b, status=S.SIGNED, signed_on=start, total="3333.33", paid="1111.11"
    )
    PaymentRowFactory(contract=c1, amount="3000.05", received_on=start)
    PaymentRowFactory(contract=c5, amount="1234.56", received_on=start)  # an older contract's money
    PaymentRowFactory(contract=c1, amount="100", received_on=start, status=Payment.Status.PENDING)
    PaymentRowFactory(contract=c2, amount="50", received_on=start, status=Payment.Status.VOIDED)
    PaymentRowFactory(contract=c5, amount="999", received_on=last_month)
    PaymentRowFactory(contract=c6, amount="1111.11", received_on=start)
    InstalmentRowFactory(
        contract=c2, sequence=1, due_on=today - dt.timedelta(days=1), amount="1000", paid="200.50"
    )
    InstalmentRowFactory(
        contract=c2, sequence=2, due_on=today + dt.timedelta(days=30), amount="1500"
    )
    InstalmentRowFactory(
        contract=c1, sequence=1, due_on=today - dt.timedelta(days=10), amount="5000", paid="3000.05"
    )
    InstalmentRowFactory(
        contract=c1, sequence=2, due_on=today + dt.timedelta(days=5), amount="5000.10"
    )
    InstalmentRowFactory(
        contract=c6,
        sequence=1,
        due_on=today - dt.timedelta(days=3),
        amount="1111.11",
        paid="1111.11",
    )
    InvoiceRowFactory(contract=c1, number="F001", amount="2000.00", issued_on=start)
    InvoiceRowFactory(
        contract=c1, number="F002", amount="300", issued_on=start, status=Invoice.Status.PENDING
    )
    InvoiceRowFactory(
        contract=c1, number="F003", amount="400", issued_on=start, status=Invoice.Status.VOIDED
    )
    return {"today": today, "start": start, "c1": c1, "c6": c6}

"""Importing purchase history from spreadsheets (INTG-1, issue 16 §1 "so value analysis has
a history"): each row a history contract signed on its date with its payment, through the
sales service (permission sales.record_history); amounts in 万/元/commas; duplicates by
order number or date and amount; a rerun doubles nothing; rollback removes them; scope."""

import datetime as dt
from decimal import Decimal

import pytest

from guanxi.care.models import CareTouch
from guanxi.core.errors import PermissionDenied
from guanxi.customers.archive import services as archive
from guanxi.customers.archive.validation import CustomerInput
from guanxi.customers.models import TimelineEvent
from guanxi.imports.models import ImportBatch, ImportRow
from guanxi.imports.spreadsheets import services
from guanxi.pipeline.models import Prospect
from guanxi.sales.models import Contract, Instalment, Payment
from guanxi.webhooks.models import Delivery
from tests.imports.support import csv_upload
from tests.sales.factories import ProductFactory
from tests.webhooks.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db

HEADER = ["客户", "手机", "日期", "金额", "产品", "已付金额", "单号"]
KIND = ImportBatch.Kind.PURCHASES
ROWS = [
    HEADER,
    ["王磊", "13800138000", "2020/5/1", "1.5万", "年度服务", "", "SO-001"],
    ["王磊", "+86 138-0013-8000", "2021年6月1日", "￥12,300.50", "", "10000", ""],
    ["王磊", "13800138000", "2021-06-01", "一万块", "", "", ""],
    ["无名", "13911112222", "2021-06-01", "100", "", "", ""],
    ["王磊", "13800138000", "2020年5月1日", "15000", "", "", "SO-001"],
    ["王磊", "13800138000", "2021/7/1", "100", "", "200", ""],
]


def _checked(actor, upload):
    batch = services.batch_upload(actor=actor, upload=upload, kind=KIND)
    services.batch_check(actor=actor, batch=batch)
    batch.refresh_from_db()
    return batch


def _run(actor, batch):
    services.batch_start(actor=actor, batch=batch)
    batch.refresh_from_db()
    return batch


def _reasons(batch, phase="check"):
    rows = ImportRow.objects.filter(batch=batch, phase=phase).exclude(outcome="new")
    return dict(rows.values_list("row_number", "reason"))


@pytest.fixture
def wang(sales1a):
    return archive.customer_create(
        actor=sales1a, data=CustomerInput(name="王磊", mobile="13800138000")
    )


def test_purchases_become_history_contracts_with_payments(manager, sales1a, wang):
    ProductFactory(code="SVC-1", name="年度服务", tax_rate=Decimal("0.06"))
    SubscriptionFactory(owner=manager, events=["contract.signed", "payment.received"])
    touches = CareTouch.objects.count()
    batch = _checked(manager, csv_upload(ROWS, encoding="gbk"))
    assert batch.mapping == {
        "customer": 0,
        "mobile": 1,
        "signed_on": 2,
        "amount": 3,
        "product": 4,
        "paid_amount": 5,
        "reference": 6,
    }
    assert batch.check_counts == {"new": 2, "error": 3, "duplicate": 1}
    reasons = _reasons(batch)
    assert "金额" in reasons[4]  # 一万块
    assert "客户" in reasons[5] or "customer" in reasons[5]  # no such customer
    assert "第 2 行" in reasons[6] or "row 2" in reasons[6]  # SO-001 again
    assert "已付" in reasons[7] or "Paid" in reasons[7]  # paid more than the amount
    assert not Contract.objects.exists()

    batch = _run(manager, batch)
    assert batch.run_counts == {"new": 2, "error": 3, "duplicate": 1}
    paid_up = Contract.objects.get(reference="SO-001")
    assert paid_up.is_history and paid_up.status == "completed"
    assert paid_up.number.startswith("HT-2020-") and paid_up.signed_on == dt.date(2020, 5, 1)
    assert paid_up.total_amount == Decimal("15000.00") == paid_up.paid_amount
    assert paid_up.owner == sales1a and paid_up.customer == wang  # the customer's owner
    assert paid_up.items.get().product.code == "SVC-1"
    payment = Payment.objects.get(contract=paid_up)
    assert payment.status == "confirmed" and payment.received_on == dt.date(2020, 5, 1)
    open_one = Contract.objects.get(signed_on=dt.date(2021, 6, 1))
    assert open_one.status == "executing" and open_one.paid_amount == Decimal("10000.00")
    assert open_one.outstanding_amount == Decimal("2300.50")
    instalment = Instalment.objects.get(contract=open_one)
    assert not instalment.settled and instalment.reminded_at is not None  # no reminder
    # the customer bought: won, as a signing makes it; nothing announced as new
    assert Prospect.objects.get(customer=wang).dealt
    assert not Delivery.objects.filter(event__in=["contract.signed", "payment.received"])
    assert CareTouch.objects.count() == touches
    event = TimelineEvent.objects.get(kind="contract", ref_id=str(paid_up.pk))
    assert event.occurred_at.date() <= dt.date(2020, 5, 1)
    assert set(
        ImportRow.objects.filter(batch=batch, outcome="new").values_list("record_id", flat=True)
    ) == {paid_up.pk, open_one.pk}

    again = _run(manager, _checked(manager, csv_upload(ROWS, name="again.csv")))
    assert again.run_counts == {"duplicate": 3, "error": 3}
    assert Contract.objects.count() == 2


def test_rollback_removes_the_history_it_recorded(manager, wang):
    rows = [HEADER, ["王磊", "13800138000", "2020/5/1", "1.5万", "", "", "SO-001"], ROWS[2]]
    batch = _run(manager, _checked(manager, csv_upload(rows)))
    assert batch.run_counts == {"new": 2}
    assert services.batch_rollback(actor=manager, batch=batch) == 2
    assert not Contract.objects.exists() and not Payment.objects.exists()
    assert not TimelineEvent.objects.filter(kind="contract").exists()


def test_recording_history_needs_its_permission_and_stays_in_scope(org, sales1a, manager):
    with pytest.raises(PermissionDenied):
        services.batch_upload(actor=sales1a, upload=csv_upload(ROWS), kind=KIND)
    # a customer of the relations department: outside the sales manager's scope
    archive.customer_create(
        actor=org["relations"], data=CustomerInput(name="别组客户", mobile="13700137000")
    )
    rows = [HEADER, ["别组客户", "13700137000", "2021/1/1", "100", "", "", ""]]
    batch = _run(manager, _checked(manager, csv_upload(rows)))
    assert batch.run_counts == {"error": 1}
    assert not Contract.objects.exists()

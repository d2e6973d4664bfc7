"""The "overdue instalments" section at the top of the work list (ORD-4): the user's own
open instalments past their due date, the five oldest and how many there are (counted up
to a cap, then "1,000+"); nothing when none is overdue."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.sales.contracts.services import InstalmentInput
from guanxi.sales.receivables import selectors
from tests.sales.factories import make_contract, pay

pytestmark = pytest.mark.django_db


def _overdue(owner, customer, days: int):
    """300.00 signed: 100.00 due `days` ago, 200.00 due in 30 days."""
    today = timezone.localdate()
    return make_contract(
        owner,
        customer,
        total="300.00",
        plan=[
            InstalmentInput(due_on=today - dt.timedelta(days=days), amount="100.00"),
            InstalmentInput(due_on=today + dt.timedelta(days=30), amount="200.00"),
        ],
    )


def test_count_and_oldest_five_of_the_users_own(sales1a, sales2a, make_customer):
    contracts = [_overdue(sales1a, make_customer(sales1a, name=f"客户{i}"), i) for i in range(1, 9)]
    pay(sales1a, contracts[0], "100.00")  # settled: no longer overdue
    pay(sales1a, contracts[1], "40.00")  # partly paid: still overdue
    _overdue(sales2a, make_customer(sales2a, name="二部客户"), 50)  # someone else's

    count, capped, rows = selectors.overdue_for_owner(user=sales1a)

    assert (count, capped) == (7, False)
    assert [inst.contract_id for inst in rows] == [c.pk for c in contracts[7:2:-1]]
    assert [inst.days_overdue for inst in rows] == [8, 7, 6, 5, 4]
    assert selectors.overdue_for_owner(user=sales1a, limit=10)[:2] == (7, False)


def test_count_is_capped(sales1a, make_customer, monkeypatch):
    for i in range(1, 9):
        _overdue(sales1a, make_customer(sales1a, name=f"客户{i}"), i)
    monkeypatch.setattr(selectors, "OVERDUE_COUNT_CAP", 6)

    count, capped, rows = selectors.overdue_for_owner(user=sales1a)

    assert (count, capped, len(rows)) == (6, True, 5)


def test_section_on_the_work_list(sales1a, make_customer, client_for, monkeypatch):
    client = client_for(sales1a)
    assert (
        "gx-wl-overdue-instalments"
        not in client.get(
            reverse("pipeline:worklist_extra"), headers={"HX-Request": "true"}
        ).content.decode()
    )
    for i in range(1, 8):
        _overdue(sales1a, make_customer(sales1a, name=f"客户{i}"), i)

    page = client.get(
        reverse("pipeline:worklist_extra"), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="gx-wl-overdue-instalments"' in page
    assert '<span class="badge bg-red-lt ms-1">7</span>' in page
    assert "客户7" in page and "客户1" not in page  # the five oldest

    monkeypatch.setattr(selectors, "OVERDUE_COUNT_CAP", 6)
    page = client.get(
        reverse("pipeline:worklist_extra"), headers={"HX-Request": "true"}
    ).content.decode()
    assert '<span class="badge bg-red-lt ms-1">6+</span>' in page

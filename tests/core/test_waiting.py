"""The navbar's 待办 badge (issue 12 §1): approvals to decide, overdue follow-ups and overdue
instalments of the user, loaded after the page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from guanxi.core.waiting import waiting_for
from guanxi.pipeline.models import Prospect
from guanxi.pipeline.prospects import services as prospects
from guanxi.sales.contracts.services import contract_submit
from tests.sales.factories import make_contract

pytestmark = pytest.mark.django_db


def _overdue_prospect(owner, make_customer):
    customer = make_customer(owner, name="逾期未跟进")
    prospects.prospect_set_stage(actor=owner, customer=customer, stage="s1")
    prospects.tracking_add(actor=owner, customer=customer)
    Prospect.objects.filter(pk=customer.pk).update(
        next_due_at=timezone.now() - dt.timedelta(days=2)
    )
    return customer


def test_the_badge_counts_what_waits_for_each_user(client_for, sales1a, manager, make_customer):
    _overdue_prospect(sales1a, make_customer)
    make_contract(sales1a, make_customer(sales1a, name="欠款客户"))  # an instalment 30 days late
    big = make_contract(
        sales1a, make_customer(sales1a, name="大单客户"), total="150000.00", sign=False
    )
    contract_submit(actor=sales1a, contract=big)  # waits for the manager's approval

    with translation.override("en"):
        mine = {item.label: item.count for item in waiting_for(user=sales1a)}
        managers = {item.label: item.count for item in waiting_for(user=manager)}
    assert mine == {"Overdue follow-ups": 1, "Overdue instalments": 1}
    assert managers.get("Approvals to decide") == 1

    body = client_for(sales1a).get(reverse("waiting")).content.decode()
    assert 'data-count="2"' in body
    assert reverse("pipeline:worklist") in body


def test_the_badge_is_loaded_after_the_page_and_costs_few_queries(client_for, sales1a):
    client = client_for(sales1a)
    page = client.get(reverse("customers:list")).content.decode()
    assert f'hx-get="{reverse("waiting")}"' in page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("waiting"))
    assert response.status_code == 200
    # the session and the user, then one count per kind of waiting work: follow-ups,
    # approvals, instalments, 回访, notifications, complaints
    assert len(queries) <= 8 + 1


def test_nothing_waiting_says_so(client_for, relations):
    body = client_for(relations).get(reverse("waiting")).content.decode()
    assert "data-count" not in body
    assert "没有等您处理的事项" in body

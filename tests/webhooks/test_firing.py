"""Events (INTG-3): each hook of a lower app queues one delivery per subscription that wants
the event, in the change's transaction, and nothing without a subscriber."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.utils import timezone

from guanxi.customers.archive.services import customer_merge, customer_reassign, customer_update
from guanxi.customers.archive.validation import CustomerInput
from guanxi.customers.models import Customer
from guanxi.pipeline.models import Prospect
from guanxi.pipeline.prospects import services as prospects
from guanxi.sales.contracts.services import contract_submit
from guanxi.sales.models import Contract, Invoice
from guanxi.sales.receivables import services as receivables
from guanxi.service.complaints.services import complaint_close
from guanxi.webhooks.events.digest import overdue_digest_fire
from guanxi.webhooks.events.services import event_fire
from guanxi.webhooks.models import Delivery
from tests.sales.factories import DraftContractFactory, LineFactory, make_contract, pay
from tests.service.factories import make_complaint, walk
from tests.webhooks.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db


def _events(subscription=None):
    rows = Delivery.objects.all() if subscription is None else subscription.deliveries.all()
    return [(d.event, d.payload) for d in rows.order_by("id")]


def test_customer_events_created_updated_owner_changed_merged(
    admin_user, sales1a, sales1b, make_customer
):
    sub = SubscriptionFactory(owner=admin_user)
    customer = make_customer(sales1a, name="王五")
    customer_update(
        actor=sales1a, customer=customer, data=CustomerInput(city="杭州"), expected_version=None
    )
    customer_reassign(actor=admin_user, customer=customer, to_user=sales1b)
    duplicate = make_customer(sales1b, name="王五 (重复)")
    customer_merge(
        actor=admin_user, primary=Customer.objects.get(pk=customer.pk), duplicate=duplicate
    )
    names = [name for name, _data in _events(sub)]
    assert names[:3] == ["customer.created", "customer.updated", "customer.owner_changed"]
    assert "customer.merged" in names
    data = dict(reversed(_events(sub)))  # the first of each event
    assert data["customer.created"]["customer"]["name"] == "王五"
    assert data["customer.created"]["actor"]["username"] == "sales1a"
    assert data["customer.updated"]["fields"] == ["city"]
    assert data["customer.owner_changed"]["owner"] == {"id": sales1b.pk, "username": "sales1b"}
    assert data["customer.merged"]["merged_customer"]["id"] == duplicate.pk


def test_only_subscribers_of_the_event_get_it_and_nothing_without_one(
    admin_user, sales1a, make_customer
):
    make_customer(sales1a)
    assert not Delivery.objects.exists()
    wants = SubscriptionFactory(owner=admin_user, events=["customer.created"])
    other = SubscriptionFactory(owner=admin_user, events=["contract.signed"])
    SubscriptionFactory(owner=admin_user, events=["customer.created"], active=False)
    make_customer(sales1a, name="第二个")
    assert Delivery.objects.filter(subscription=wants).count() == 1
    assert not Delivery.objects.filter(subscription=other).exists()
    assert Delivery.objects.count() == 1


def test_a_rolled_back_change_leaves_no_delivery(admin_user, sales1a, make_customer):
    SubscriptionFactory(owner=admin_user, events=["customer.created"])
    with pytest.raises(RuntimeError), transaction.atomic():
        make_customer(sales1a)
        raise RuntimeError
    assert not Delivery.objects.exists()


def test_firing_costs_one_or_two_queries_and_no_http(admin_user, django_assert_num_queries):
    SubscriptionFactory(owner=admin_user, events=["customer.created", "customer.updated"])
    SubscriptionFactory(owner=admin_user, events=["customer.created"])
    SubscriptionFactory(owner=admin_user, events=["customer.updated"])
    with django_assert_num_queries(1):  # one event: INSERT … SELECT
        assert event_fire(event="customer.created", items=[{"customer": {"id": 1}}]) == 2
    with django_assert_num_queries(2):  # a batch: the subscribers, one bulk INSERT
        assert event_fire(event="customer.created", items=[{"customer": {"id": 1}}] * 3) == 6
    rows = Delivery.objects.filter(event="customer.created").order_by("id")
    assert rows[0].payload == {"customer": {"id": 1}} and rows[0].event_id == rows[1].event_id
    assert rows[0].status == Delivery.Status.PENDING and rows[0].next_attempt_at is not None


def test_followup_and_stage_events(admin_user, sales1a, make_customer):
    sub = SubscriptionFactory(
        owner=admin_user, events=["followup.logged", "customer.stage_changed"]
    )
    customer = make_customer(sales1a)
    prospects.followup_log(
        actor=sales1a,
        customer=customer,
        data=prospects.FollowUpInput(channel="phone", content="电话沟通需求", stage="s2"),
    )
    data = dict(_events(sub))
    assert data["customer.stage_changed"]["to_stage"] == "s2"
    assert data["customer.stage_changed"]["customer_id"] == customer.pk
    assert data["followup.logged"]["followup"]["channel"] == "phone"


def test_contract_payment_invoice_events(admin_user, sales1a, make_customer):
    sub = SubscriptionFactory(
        owner=admin_user, events=["contract.signed", "payment.received", "invoice.issued"]
    )
    contract = make_contract(sales1a, make_customer(sales1a), total="9000.00")
    pay(sales1a, contract, D("3000.00"))
    receivables.invoice_record(
        actor=sales1a,
        contract=Contract.objects.get(pk=contract.pk),
        number="00012345",
        kind=Invoice.Kind.NORMAL,
        amount=D("3000.00"),
        tax_rate=D("0.06"),
        issued_on=timezone.localdate(),
    )
    data = dict(_events(sub))
    assert data["contract.signed"]["contract"]["number"] == contract.number
    assert data["contract.signed"]["contract"]["total_amount"] == "9000.00"
    assert data["payment.received"]["payment"]["amount"] == "3000.00"
    assert data["invoice.issued"]["invoice"]["number"] == "00012345"


def test_an_approval_waiting_is_an_event(admin_user, sales1a, make_customer):
    sub = SubscriptionFactory(owner=admin_user, events=["approval.waiting"])
    draft = DraftContractFactory(
        owner=sales1a,
        customer=make_customer(sales1a),
        items=[LineFactory(description="整厂设备", unit_price="150000.00")],
    )
    contract = contract_submit(actor=sales1a, contract=draft)
    assert contract.status != Contract.Status.SIGNED
    ((name, data),) = _events(sub)
    assert name == "approval.waiting"
    assert data["approval"]["target"] == "contract" and data["approval"]["step"] == 1


def test_overdue_digest_counts_per_consultant(admin_user, sales1a, make_customer):
    sub = SubscriptionFactory(owner=admin_user, events=["followup.overdue"])
    customer = make_customer(sales1a)
    prospects.followup_log(
        actor=sales1a,
        customer=customer,
        data=prospects.FollowUpInput(channel="phone", content="约下次"),
    )
    Prospect.objects.filter(customer=customer).update(
        tracked=True, next_due_at=timezone.now() - dt.timedelta(days=3)
    )
    assert overdue_digest_fire(now=timezone.now()) == 1
    ((name, data),) = _events(sub)
    assert name == "followup.overdue"
    assert {"username": "sales1a", "count": 1}.items() <= data["users"][0].items()


def test_complaint_opened_and_closed_are_events(admin_user, agent, sales1a, make_customer):
    """CMP-1/3 over INTG-3: logging and closing a complaint queue complaint.opened/closed."""
    sub = SubscriptionFactory(owner=admin_user, events=["complaint.opened", "complaint.closed"])
    customer = make_customer(sales1a, name="投诉客户")
    complaint = walk(agent, make_complaint(agent, customer))
    complaint_close(actor=agent, complaint_id=complaint.pk, resolution="resolved")
    data = dict(_events(sub))
    assert list(data) == ["complaint.opened", "complaint.closed"]
    assert data["complaint.opened"]["complaint"]["id"] == complaint.pk
    assert data["complaint.opened"]["complaint"]["status"] == "open"
    closed = data["complaint.closed"]["complaint"]
    assert closed["status"] == "closed" and closed["resolution"] == "resolved"
    assert data["complaint.closed"]["actor"]["username"] == agent.username

"""Money on the pipeline (issue 12 §2): a prospect's expected amount and close date, set with
a follow-up by whoever may steer the customer's stage, and the stages' probabilities."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.accounts.models import Role
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.customers.errors import CustomerNotFound
from guanxi.customers.models import TimelineEvent
from guanxi.pipeline.models import FollowUp, Prospect, Stage
from guanxi.pipeline.prospects import services
from tests.pipeline.support import page_360

pytestmark = pytest.mark.django_db


def _data(**overrides):
    return services.FollowUpInput(channel="phone", content="谈了预算", **overrides)


def _expected(customer):
    prospect = Prospect.objects.get(pk=customer.pk)
    return prospect.expected_amount, prospect.expected_close_on


def test_stages_ship_their_probabilities():
    shipped = dict(Stage.objects.values_list("code", "probability"))
    assert shipped == {"refused": 0, "s0": 5, "s1": 10, "s2": 30, "s3": 60, "s4": 90}


def test_owner_sets_expected_amount_and_close_date(sales1a, make_customer):
    customer = make_customer(sales1a)
    close_on = timezone.localdate() + dt.timedelta(days=20)
    services.followup_log(
        actor=sales1a,
        customer=customer,
        data=_data(expected_amount="128000.5", expected_close_on=close_on.isoformat()),
    )
    assert _expected(customer) == (Decimal("128000.50"), close_on)
    event = TimelineEvent.objects.filter(customer=customer, kind="followup").get()
    assert event.data["expected_amount"] == "128000.50"
    assert event.data["expected_close_on"] == close_on.isoformat()

    # none leaves them as they are
    services.followup_log(actor=sales1a, customer=customer, data=_data())
    assert _expected(customer) == (Decimal("128000.50"), close_on)
    assert "expected_amount" not in TimelineEvent.objects.filter(kind="followup").first().data


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"expected_amount": "-1"}, "expected_amount"),
        ({"expected_amount": "12.345"}, "expected_amount"),
        ({"expected_amount": "abc"}, "expected_amount"),
        ({"expected_amount": "NaN"}, "expected_amount"),
        ({"expected_amount": "1000000000000"}, "expected_amount"),
        ({"expected_close_on": "2026-02-30"}, "expected_close_on"),
        ({"expected_close_on": "soon"}, "expected_close_on"),
    ],
)
def test_bad_expectations_are_refused_and_change_nothing(sales1a, make_customer, overrides, field):
    customer = make_customer(sales1a)
    with pytest.raises(ValidationFailed) as error:
        services.followup_log(actor=sales1a, customer=customer, data=_data(**overrides))
    assert field in error.value.field_errors
    assert not FollowUp.objects.filter(customer=customer).exists()
    assert _expected(customer) == (None, None)


def test_a_service_agent_cannot_set_the_expected_amount_of_others(agent, sales1a, make_customer):
    customer = make_customer(sales1a)
    with pytest.raises((PermissionDenied, CustomerNotFound)):
        services.followup_log(actor=agent, customer=customer, data=_data(expected_amount="5000"))
    assert _expected(customer) == (None, None)
    assert not FollowUp.objects.filter(customer=customer).exists()


def test_following_up_others_is_not_steering_their_money(sales1a, relations, make_customer):
    """Like the stage and grade: logging follow-ups on a colleague's customer does not let
    one change the expected amount or close date (that needs pipeline.set_stage)."""
    customer = make_customer(sales1a)
    role = Role.objects.create(
        code="follow_helper", name="跟进助手", permissions=["pipeline.follow_up_others"]
    )
    relations.roles.add(role)
    services.followup_log(actor=relations, customer=customer, data=_data())
    for overrides in ({"expected_amount": "5000"}, {"expected_close_on": "2027-01-31"}):
        with pytest.raises(PermissionDenied):
            services.followup_log(actor=relations, customer=customer, data=_data(**overrides))
    assert _expected(customer) == (None, None)
    assert FollowUp.objects.filter(customer=customer).count() == 1


def test_a_manager_may_set_the_expected_amount(manager, sales1a, make_customer):
    customer = make_customer(sales1a)
    services.followup_log(actor=manager, customer=customer, data=_data(expected_amount=9000))
    assert _expected(customer)[0] == Decimal("9000.00")


def test_a_quote_fills_an_empty_expected_amount_only(sales1a, make_customer):
    customer = make_customer(sales1a)
    assert services.prospect_expect_from_quote(customer=customer, amount=Decimal("3000.00"))
    assert not services.prospect_expect_from_quote(customer=customer, amount=Decimal("8000"))
    assert _expected(customer)[0] == Decimal("3000.00")


def test_followup_form_and_panel_show_the_expectation(sales1a, make_customer, client_for):
    customer = make_customer(sales1a)
    client = client_for(sales1a)
    prefix = f"c{customer.pk}-"
    past = timezone.localdate() - dt.timedelta(days=3)
    response = client.post(
        reverse("pipeline:followup_log", args=[customer.pk]),
        {
            "origin": "panel",
            prefix + "channel": "phone",
            prefix + "content": "报了预算",
            prefix + "expected_amount": "45678.90",
            prefix + "expected_close_on": past.isoformat(),
        },
    )
    assert response.status_code in (200, 302)
    assert _expected(customer) == (Decimal("45678.90"), past)
    body = page_360(client, customer)
    assert "¥45,678.90" in body
    assert (
        f'text-danger" title="预计成交日期"><i class="ti ti-calendar-dollar"></i> {past:%Y-%m-%d}'
        in body
    )
    assert f'name="{prefix}expected_amount"' in body


def test_followup_form_refuses_a_negative_amount(sales1a, make_customer, client_for):
    customer = make_customer(sales1a)
    prefix = f"c{customer.pk}-"
    response = client_for(sales1a).post(
        reverse("pipeline:followup_log", args=[customer.pk]),
        {
            "origin": "panel",
            prefix + "channel": "phone",
            prefix + "content": "报了预算",
            prefix + "expected_amount": "-5",
        },
    )
    assert not FollowUp.objects.filter(customer=customer).exists()
    assert _expected(customer) == (None, None)
    assert response.status_code in (200, 302, 422)

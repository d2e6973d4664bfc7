"""Money on the pipeline (issue 12 §2): a prospect's expected amount and close date, set with
a follow-up by whoever may steer the customer's stage, and the stages' probabilities."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guanxi.accounts.models import Role
from guanxi.accounts.services import token_create
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


# ---------------------------------------------------------------- set or clear on its own


def test_expectation_is_set_and_cleared_on_its_own(sales1a, make_customer):
    customer = make_customer(sales1a)
    services.prospect_set_expectation(
        actor=sales1a, customer=customer, expected_amount="8000.50", expected_close_on="2027-02-01"
    )
    assert _expected(customer) == (Decimal("8000.50"), dt.date(2027, 2, 1))
    services.prospect_set_expectation(
        actor=sales1a, customer=customer, expected_amount=None, expected_close_on=None
    )
    assert _expected(customer) == (None, None)
    events = TimelineEvent.objects.filter(customer=customer, kind="expectation")
    assert events.count() == 2


@pytest.mark.parametrize(
    ("amount", "close_on", "field"),
    [
        ("-1", None, "expected_amount"),
        ("1.234", None, "expected_amount"),
        (None, "31/02/2027", "expected_close_on"),
    ],
)
def test_bad_expectation_changes_nothing(sales1a, make_customer, amount, close_on, field):
    customer = make_customer(sales1a)
    services.prospect_set_expectation(
        actor=sales1a, customer=customer, expected_amount="100", expected_close_on=None
    )
    with pytest.raises(ValidationFailed) as error:
        services.prospect_set_expectation(
            actor=sales1a, customer=customer, expected_amount=amount, expected_close_on=close_on
        )
    assert field in error.value.field_errors
    assert _expected(customer) == (Decimal("100.00"), None)


def test_others_expectation_needs_the_stage_permission(relations, sales1a, make_customer):
    customer = make_customer(sales1a)
    with pytest.raises(PermissionDenied):
        services.prospect_set_expectation(
            actor=relations, customer=customer, expected_amount="5", expected_close_on=None
        )
    assert _expected(customer) == (None, None)


def test_api_puts_and_clears_the_expectation(sales1a, make_customer):
    _token, raw = token_create(user=sales1a, name="tests")
    client = Client(headers={"Authorization": f"Bearer {raw}"})

    def send(method, url, body):
        return getattr(client, method)(url, json.dumps(body), "application/json")

    customer = make_customer(sales1a)
    url = f"/api/v1/customers/{customer.pk}/expectation"
    body = send("put", url, {"expected_amount": "12000.00", "expected_close_on": "2027-01-31"})
    assert body.status_code == 200
    assert body.json()["expected_amount"] == "12000.00"
    cleared = send("put", url, {})
    assert cleared.status_code == 200 and cleared.json()["expected_amount"] is None
    assert _expected(customer) == (None, None)
    refused = send("put", url, {"expected_amount": "-3"})
    assert refused.status_code == 422


def test_board_card_edits_the_expectation(sales1a, make_customer, client_for):
    customer = make_customer(sales1a, name="看板客户")
    Prospect.objects.filter(pk=customer.pk).update(
        stage=Stage.objects.get(code="s2"), expected_amount=Decimal("500.00")
    )
    client = client_for(sales1a)
    url = reverse("pipeline:board_card_expectation", args=[customer.pk])
    form = client.get(url)
    assert form.status_code == 200 and 'value="500.00"' in form.content.decode()

    saved = client.post(url, {"expected_amount": "7000", "expected_close_on": "2027-03-01"})
    assert saved.status_code == 200
    assert 'data-amount="7000.00"' in saved.content.decode()
    assert '"from": "500.00"' in saved["HX-Trigger"] and '"to": "7000.00"' in saved["HX-Trigger"]
    assert _expected(customer) == (Decimal("7000.00"), dt.date(2027, 3, 1))

    cleared = client.post(url, {"expected_amount": "", "expected_close_on": ""})
    assert cleared.status_code == 200 and _expected(customer) == (None, None)

    bad = client.post(url, {"expected_amount": "-5", "expected_close_on": ""})
    assert bad.status_code == 422 and "is-invalid" in bad.content.decode()
    assert _expected(customer) == (None, None)


def test_board_card_of_a_customer_off_the_board_is_not_found(
    sales1a, sales1b, make_customer, client_for
):
    customer = make_customer(sales1b)
    url = reverse("pipeline:board_card_expectation", args=[customer.pk])
    assert client_for(sales1a).get(url).status_code == 404
    assert client_for(sales1a).post(url, {"expected_amount": "1"}).status_code == 404
    assert _expected(customer) == (None, None)

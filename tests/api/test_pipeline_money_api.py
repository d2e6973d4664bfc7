"""The expected amount and close date through the API (issue 12 §2): set with a follow-up,
answered with the prospect, refused with field errors."""

import json

import pytest

from guanxi.pipeline.models import FollowUp, Prospect

pytestmark = pytest.mark.django_db


def _post(client, customer, body):
    return client.post(
        f"/api/v1/customers/{customer.pk}/followups",
        json.dumps({"channel": "phone", "content": "报价沟通", **body}),
        content_type="application/json",
    )


def test_followup_sets_expectation_and_prospect_answers_it(api_for, sales1a, make_customer):
    customer = make_customer(sales1a, name="预计金额")
    client = api_for(sales1a)
    response = _post(
        client, customer, {"expected_amount": "88000.5", "expected_close_on": "2027-03-31"}
    )
    assert response.status_code == 201, response.content
    prospect = client.get(f"/api/v1/customers/{customer.pk}/prospect").json()
    assert prospect["expected_amount"] == "88000.50"
    assert prospect["expected_close_on"] == "2027-03-31"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"expected_amount": "-1"}, "expected_amount"),
        ({"expected_amount": "1.001"}, "expected_amount"),
        ({"expected_amount": True}, "expected_amount"),
        ({"expected_close_on": "31.03.2027"}, "expected_close_on"),
    ],
)
def test_bad_expectation_is_a_field_error(api_for, sales1a, make_customer, body, field):
    customer = make_customer(sales1a, name="坏金额")
    response = _post(api_for(sales1a), customer, body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not FollowUp.objects.filter(customer=customer).exists()


def test_service_agent_cannot_set_others_expected_amount(api_for, agent, sales1a, make_customer):
    customer = make_customer(sales1a, name="别人的")
    response = _post(api_for(agent), customer, {"expected_amount": "1000"})
    assert response.status_code in (403, 404), response.content
    assert Prospect.objects.get(pk=customer.pk).expected_amount is None

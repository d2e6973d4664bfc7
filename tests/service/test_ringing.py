"""The ringing API (SRV-3, 来电弹屏): a softphone's integration token reports a ringing call,
the agent's browser picks the caller's card up with its next poll; nothing else may report
rings, and the integration token opens nothing else."""

import json

import pytest
from django.test import Client

from guanxi.accounts.services import token_create
from guanxi.core.errors import ValidationFailed
from guanxi.service.calls.permissions import RINGING_SCOPE
from guanxi.service.models import Ring
from tests.service.calls_factories import integration_token

pytestmark = pytest.mark.django_db

JSON = "application/json"
URL = "/api/v1/calls/ringing"


def _ring(client: Client, **body: str):
    return client.post(URL, json.dumps(body), content_type=JSON)


def test_a_ring_pops_the_card_once_in_the_agents_browser(
    admin_user, agent, make_customer, sales1a, client_for, django_assert_max_num_queries
):
    caller = make_customer(sales1a, name="王建国", mobile="13900138000")
    _token, raw = integration_token(admin_user)
    cti = Client(headers={"Authorization": f"Bearer {raw}"})
    browser = client_for(agent)
    assert browser.get("/service/calls/ringing/").status_code == 204
    response = _ring(cti, number="+86 139 0013 8000", agent="agent")
    assert response.status_code == 201, response.content
    assert response.json()["number"] == "139****8000"
    popped = browser.get("/service/calls/ringing/")
    assert popped.status_code == 200
    html = popped.content.decode()
    assert "王建国" in html and "139****8000" in html and "13900138000" not in html
    ring = Ring.objects.get()
    assert f"ring={ring.pk}" in html and f"customer={caller.pk}" in html
    assert browser.get("/service/calls/ringing/").status_code == 204  # shown once
    # logging from the pop-up takes the ring's number and links the ring
    logged = browser.post(
        "/service/calls/new/",
        {"type": "inquiry", "direction": "in", "customer": caller.pk, "ring": ring.pk},
    )
    assert logged.status_code == 302
    ring.refresh_from_db()
    assert ring.call is not None and ring.call.number == "+8613900138000"
    # the poll every page makes is cheap: session, user, one indexed query
    with django_assert_max_num_queries(4):
        assert browser.get("/service/calls/ringing/").status_code == 204


def test_only_an_integration_token_reports_rings(admin_user, agent, client_for):
    body = {"number": "13900138000", "agent": "agent"}
    session = client_for(admin_user)
    assert _ring(session, **body).status_code == 401
    _token, raw_user_token = token_create(user=admin_user, name="mine")
    user_token = Client(headers={"Authorization": f"Bearer {raw_user_token}"})
    assert _ring(user_token, **body).status_code == 401
    assert _ring(Client(), **body).status_code == 401
    assert not Ring.objects.exists()
    # and the integration token is refused everywhere else
    _token, raw = integration_token(admin_user)
    cti = Client(headers={"Authorization": f"Bearer {raw}"})
    assert cti.get("/api/v1/customers").status_code == 401
    assert cti.get("/api/v1/calls/lookup", {"number": "13900138000"}).status_code == 401
    assert cti.get("/api/v1/users/me").status_code == 401


def test_a_ring_for_no_agent_or_a_bad_number_is_refused(admin_user, sales1a):
    _token, raw = integration_token(admin_user)
    cti = Client(headers={"Authorization": f"Bearer {raw}"})
    nobody = _ring(cti, number="13900138000", agent="nobody")
    assert nobody.status_code == 422 and "agent" in nobody.json()["errors"]
    not_an_agent = _ring(cti, number="13900138000", agent="sales1a")  # no service.calls
    assert not_an_agent.status_code == 422 and "agent" in not_an_agent.json()["errors"]
    bad = _ring(cti, number="12", agent="agent")
    assert bad.status_code == 422 and "number" in bad.json()["errors"]
    assert not Ring.objects.exists()
    withheld = _ring(cti, number="", agent="agent")
    assert withheld.status_code == 201


def test_only_administrators_create_integration_tokens(admin_user, sales1a, client_for):
    with pytest.raises(ValidationFailed):
        token_create(user=sales1a, name="CTI", scope=RINGING_SCOPE)
    assert 'name="scope"' not in client_for(sales1a).get("/accounts/profile/").content.decode()
    profile = client_for(admin_user)
    assert 'name="scope"' in profile.get("/accounts/profile/").content.decode()
    created = profile.post(
        "/accounts/profile/tokens/", {"name": "CTI", "expires": "", "scope": RINGING_SCOPE}
    )
    assert created.status_code == 200
    assert admin_user.api_tokens.get(name="CTI").scope == RINGING_SCOPE

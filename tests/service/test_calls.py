"""The call centre (SRV-3, seed 001 项目3): logging calls, the caller look-up in any phone
notation with masked cards, the data scope of every read per role, the permission to log,
the agent scripts, the pages and the API."""

import json

import pytest
from django.core.management import call_command
from django.test import Client

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.customers.models import Contact, TimelineEvent
from guanxi.service.calls import selectors
from guanxi.service.calls.services import CallInput, call_log
from guanxi.service.models import Call, CallScript
from tests.service.calls_factories import make_call

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def caller(make_customer, sales1a):
    return make_customer(sales1a, name="王建国", mobile="13900138000")


def test_a_call_is_logged_normalised_and_on_the_customers_timeline(agent, caller):
    call = make_call(agent, customer=caller, number="+86 139-0013-8000", notes="问保养")
    call.refresh_from_db()
    assert call.number == "+8613900138000"
    assert call.agent == agent
    assert call.department_id == agent.department_id
    event = TimelineEvent.objects.get(customer=caller, kind="call")
    assert event.ref_id == str(call.pk) and event.body == "问保养"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"direction": "sideways"}, "direction"),
        ({"type": "chat"}, "type"),
        ({"number": "12345"}, "number"),
        ({"number": "400-ABC"}, "number"),
        ({"duration_seconds": -1}, "duration_seconds"),
        ({"duration_seconds": 90000}, "duration_seconds"),
        ({"notes": "长" * 1001}, "notes"),
    ],
)
def test_bad_input_is_refused_with_a_field_error_and_nothing_stored(agent, fields, field):
    data = {"direction": "in", "type": "inquiry", "number": "13900138000", **fields}
    with pytest.raises(ValidationFailed) as refused:
        call_log(actor=agent, data=CallInput(**data))
    assert field in refused.value.field_errors
    assert not Call.objects.exists()


@pytest.mark.parametrize("username", ["sales1a", "manager", "marketing"])
def test_logging_calls_needs_the_call_centre_permission(org, username):
    with pytest.raises(PermissionDenied):
        call_log(actor=org[username], data=CallInput(direction="in", type="silent"))
    client = Client()
    client.force_login(org[username])
    assert client.get("/service/calls/new/").status_code == 403
    assert (
        client.post("/service/calls/new/", {"type": "silent", "direction": "in"}).status_code == 403
    )
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    "notation",
    [
        "13900138000",
        "+86 139 0013 8000",
        "0086-139-0013-8000",
        "+86 (0) 139 0013 8000",
        "139.0013.8000",
        "１３９００１３８０００",
    ],
)
def test_the_lookup_finds_the_caller_in_any_notation(agent, caller, notation):
    result = selectors.caller_lookup(user=agent, number=notation)
    assert [card.id for card in result.cards] == [caller.pk]
    card = result.cards[0]
    assert card.mobile_masked == "139****8000"
    assert card.matched_by == "mobile"
    assert result.number_masked == "139****8000"


def test_the_lookup_finds_contacts_and_office_phones(agent, make_customer, sales1a):
    company = make_customer(sales1a, name="华东物流有限公司", kind="organisation", mobile="")
    Contact.objects.create(customer=company, name="采购刘", mobile="+8613700137000")
    office = make_customer(sales1a, name="李四", mobile="", office_phone="+862161234567")
    by_contact = selectors.caller_lookup(user=agent, number="137 0013 7000")
    assert [(c.id, c.matched_by) for c in by_contact.cards] == [(company.pk, "contact")]
    by_office = selectors.caller_lookup(user=agent, number="021-6123 4567")
    assert [(c.id, c.matched_by) for c in by_office.cards] == [(office.pk, "office_phone")]
    assert selectors.caller_lookup(user=agent, number="13800000000").cards == []
    with pytest.raises(ValidationFailed) as refused:
        selectors.caller_lookup(user=agent, number="not a number")
    assert "number" in refused.value.field_errors


# Who sees a customer of sales1a (sales centre 1) and a call the service agent took.
SEES_CUSTOMER = {
    "sales1a": True,
    "sales1b": False,
    "sales2a": False,
    "manager": True,
    "relations": True,
    "agent": True,
    "marketing": True,
    "admin": True,
}
SEES_AGENTS_CALL = {
    "sales1a": False,
    "sales1b": False,
    "sales2a": False,
    "manager": False,
    "relations": True,
    "agent": True,
    "marketing": True,
    "admin": True,
}


@pytest.mark.parametrize("username", list(SEES_CUSTOMER))
def test_every_read_is_in_the_readers_scope(org, caller, username):
    """The look-up returns only customers the reader may see; the call log only the calls of
    agents the reader's scope covers (page, API list and get alike)."""
    user = org[username]
    call = make_call(org["agent"], customer=caller)
    cards = selectors.caller_lookup(user=user, number="13900138000").cards
    assert bool(cards) is SEES_CUSTOMER[username]
    listed = selectors.call_page(user=user, filters=selectors.CallFilters(), cursor=None).items
    assert (call in listed) is SEES_AGENTS_CALL[username]
    client = Client()
    client.force_login(user)
    assert (client.get(f"/api/v1/calls/{call.pk}").status_code == 200) is SEES_AGENTS_CALL[username]
    page = client.get("/service/calls/").content.decode()
    assert (f"/service/calls/{call.pk}/" in page) is SEES_AGENTS_CALL[username]
    if not SEES_AGENTS_CALL[username]:
        with pytest.raises(NotFound):
            selectors.call_get_for_user(user=user, call_id=call.pk)
    lookup = client.get("/api/v1/calls/lookup", {"number": "+8613900138000"}).json()
    assert bool(lookup["cards"]) is SEES_CUSTOMER[username]


def test_the_api_lists_creates_and_gets_calls(agent, caller, sales2a):
    client = Client()
    client.force_login(agent)
    body = {
        "direction": "in",
        "type": "complaint",
        "number": "0086 139 0013 8000",
        "duration_seconds": 300,
        "notes": "车辆异响",
        "customer_id": caller.pk,
    }
    created = client.post("/api/v1/calls", json.dumps(body), content_type=JSON)
    assert created.status_code == 201, created.content
    out = created.json()
    assert out["number"] == "139****8000"
    assert out["customer"] == {"id": caller.pk, "name": "王建国"}
    assert out["type_label"]
    listed = client.get("/api/v1/calls", {"type": "complaint", "number": "13900138000"}).json()
    assert [row["id"] for row in listed["items"]] == [out["id"]]
    assert client.get(f"/api/v1/calls/{out['id']}").json()["notes"] == "车辆异响"
    refused = client.post("/api/v1/calls", json.dumps({**body, "number": "12"}), content_type=JSON)
    assert refused.status_code == 422 and "number" in refused.json()["errors"]
    bad_type = client.post("/api/v1/calls", json.dumps({**body, "type": "x"}), content_type=JSON)
    assert bad_type.status_code == 422
    # a customer outside the caller's scope is as good as missing; logging needs the right
    other = Client()
    other.force_login(sales2a)
    unseen = other.post("/api/v1/calls", json.dumps(body), content_type=JSON)
    assert unseen.status_code == 422 and "customer_id" in unseen.json()["errors"]
    no_customer = json.dumps({**body, "customer_id": None})
    assert other.post("/api/v1/calls", no_customer, content_type=JSON).status_code == 403
    assert Call.objects.count() == 1


def test_the_scripts_of_seed_001_are_data_for_each_kind_of_call():
    situations = set(CallScript.objects.values_list("situation", flat=True))
    assert situations == {
        "greeting",
        "silent",
        "unclear",
        "dialect",
        "wrong_number",
        "unrelated",
        "harassment",
        "threat",
    }
    assert [s.situation for s in selectors.scripts_for(call_type="silent")] == ["silent"]
    inquiry = {s.situation for s in selectors.scripts_for(call_type="inquiry")}
    assert {"greeting", "unclear", "dialect"} <= inquiry
    CallScript.objects.filter(situation="silent").update(is_active=False)
    assert selectors.scripts_for(call_type="silent") == []


def test_the_pages_log_a_call_with_the_scripts_and_list_it(client_for, agent, caller):
    client = client_for(agent)
    form = client.get(f"/service/calls/new/?customer={caller.pk}&type=silent").content.decode()
    assert "王建国" in form and "无声电话" in form
    response = client.post(
        "/service/calls/new/",
        {
            "type": "inquiry",
            "direction": "in",
            "number": "139 0013 8000",
            "customer": caller.pk,
            "duration_minutes": 3,
            "notes": "问价",
        },
    )
    assert response.status_code == 302
    call = Call.objects.get()
    assert call.customer == caller and call.duration_seconds == 180
    detail = client.get(response["Location"]).content.decode()
    assert "139****8000" in detail and "13900138000" not in detail
    refused = client.post(
        "/service/calls/new/", {"type": "inquiry", "direction": "in", "number": "1"}
    )
    assert refused.status_code == 422
    assert Call.objects.count() == 1
    listed = client.get("/service/calls/?type=inquiry").content.decode()
    assert f"/service/calls/{call.pk}/" in listed
    found = client.get(
        "/service/calls/lookup/?number=%2B86%20139%200013%208000", headers={"HX-Request": "true"}
    )
    assert "王建国" in found.content.decode() and "139****8000" in found.content.decode()
    # the complaints area is installed: the card offers to open one for this customer
    assert (
        f"/service/complaints/new/?customer={caller.pk}&amp;channel=phone" in found.content.decode()
    )


def test_the_agents_home_shows_the_call_section(client_for, agent, caller, sales1a):
    make_call(agent, customer=caller, type="harassment")
    page = client_for(agent).get("/").content.decode()
    assert 'id="gx-lookup-number"' in page and "/service/calls/" in page
    assert 'id="gx-ringing"' in page  # the agent's pages poll for ringing calls
    consultant = client_for(sales1a).get("/").content.decode()
    assert 'id="gx-lookup-number"' not in consultant and 'id="gx-ringing"' not in consultant


def test_list_and_lookup_cost_a_fixed_number_of_queries(
    agent, caller, django_assert_max_num_queries
):
    for minutes in range(30):
        make_call(agent, customer=caller, minutes_ago=minutes + 1)
    # the ids, the cards, their latest calls, the reader's permissions
    with django_assert_max_num_queries(5):
        result = selectors.caller_lookup(user=agent, number="13900138000")
    assert len(result.cards[0].recent_calls) == selectors.RECENT_CALLS
    with django_assert_max_num_queries(2):
        page = selectors.call_page(user=agent, filters=selectors.CallFilters(), cursor=None)
        [str(call.agent) + str(call.customer) for call in page.items]
    assert page.next_cursor
    second = selectors.call_page(
        user=agent, filters=selectors.CallFilters(), cursor=page.next_cursor
    )
    assert not {c.pk for c in page.items} & {c.pk for c in second.items}


def test_the_demo_has_calls_of_every_type(make_customer, sales1a):
    make_customer(sales1a, name="演示客户", mobile="13900138000")
    call_command("seed_calls", verbosity=0)
    assert set(Call.objects.values_list("type", flat=True)) == set(Call.Type.values)
    assert Call.objects.filter(customer__isnull=False).exists()
    before = Call.objects.count()
    call_command("seed_calls", verbosity=0)
    assert Call.objects.count() == before


def test_a_complaint_call_goes_on_to_the_complaint_once_it_exists(client_for, agent, caller):
    """With the complaints area installed, the card offers it and a complaint call opens it,
    prefilled with the customer, the channel and the call (never a dead link before)."""
    client = client_for(agent)
    found = client.get("/service/calls/lookup/?number=13900138000").content.decode()
    assert f"/service/complaints/new/?customer={caller.pk}&amp;channel=phone" in found
    response = client.post(
        "/service/calls/new/",
        {"type": "complaint", "direction": "in", "number": "13900138000", "customer": caller.pk},
    )
    call = Call.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        f"/service/complaints/new/?customer={caller.pk}&channel=phone&call={call.pk}"
    )
    detail = client.get(f"/service/calls/{call.pk}/").content.decode()
    assert f"call={call.pk}" in detail

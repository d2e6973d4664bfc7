"""The 360 page's after-sales panels load after the first paint (issue 13 §1): the page carries
a placeholder for the 回访, messages and consent, complaints, satisfaction and check-in panels,
and htmx fetches each from a GET view of its own that reads the customer through the scope
(a customer outside it is a 404), answering the fragment to htmx and a page of its own to a
plain GET. The page itself stays within 20 queries however much after-sales history the
customer has."""

from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from guanxi.care.messages.services import MessageNew, message_queue
from guanxi.pipeline.checkins.services import CheckInInput, checkin_record
from guanxi.pipeline.models import CustomerLocation
from tests.care.factories import make_visit
from tests.satisfaction.factories import answer
from tests.service.factories import make_complaint

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Panel:
    url_name: str
    panel_id: str
    record: str  # the key of the record in `History.markers` the panel shows
    empty: str  # what the panel says when there is nothing (msgid)


PANELS = [
    Panel("care:customer_visits", "gx-care-visits-panel", "visit", "No 回访 yet."),
    Panel("care:customer_messages", "gx-care-messages", "message", "No messages."),
    Panel("service:customer_complaints", "gx-complaints-panel", "complaint", "No complaints."),
    Panel(
        "satisfaction:customer_surveys",
        "gx-satisfaction-panel",
        "response",
        "No survey answers yet.",
    ),
    Panel(
        "pipeline:customer_checkins",
        "gx-checkin-panel",
        "checkin",
        "No location on record: check-ins are not measured against the customer's address.",
    ),
]

IN_SCOPE = ["sales1a", "manager", "relations", "agent", "marketing", "admin"]
OUT_OF_SCOPE = ["sales1b", "sales2a"]

# What each role may do from these panels, as the 360 page offered it before they were lazy:
# plan a 回访, log a complaint, check in, fill in / send a survey, record consent, send a message.
BUTTONS = {
    "gx-new-visit": {"sales1a", "manager", "relations", "admin"},
    "gx-log-complaint": {"sales1a", "manager", "relations", "agent", "admin"},
    "gx-checkin-start": {"sales1a", "manager", "admin"},
    "gx-survey-fill": {"manager", "relations", "admin"},
    "gx-survey-send": {"manager", "relations", "admin"},
    "gx-consent-form": {"relations", "marketing", "admin"},
    "gx-send-form": {"relations", "marketing", "admin"},
}


@dataclass(frozen=True)
class History:
    customer: object
    markers: dict[str, str]


@pytest.fixture
def history(make_customer, sales1a, relations, agent) -> History:
    """sales1a's customer with a 回访, a complaint, a survey answer, a message, a location and
    a check-in: every lazy panel has a row to show."""
    customer = make_customer(sales1a, name="售后全客户")
    visit = make_visit(relations, customer)
    complaint = make_complaint(agent, customer)
    response = answer(relations, customer)
    message = message_queue(
        new=MessageNew(customer=customer, template=None, channel="sms", body="您的车已保养完毕")
    )
    CustomerLocation.objects.create(customer=customer, latitude="31.2304", longitude="121.4737")
    checkin = checkin_record(
        actor=sales1a,
        customer=customer,
        data=CheckInInput(latitude="31.2305", longitude="121.4738"),
    )
    return History(
        customer=customer,
        markers={
            "visit": f'data-task="{visit.pk}"',
            "message": f'href="{reverse("care:message_detail", args=[message.pk])}"',
            "complaint": f'data-complaint="{complaint.pk}"',
            "response": f'data-response="{response.pk}"',
            "checkin": f'data-checkin="{checkin.pk}"',
        },
    )


@pytest.mark.parametrize("who", ["sales1a", "manager", "relations"])
def test_the_360_page_costs_at_most_20_queries(
    who, org, history, client_for, django_assert_max_num_queries
):
    client = client_for(org[who])
    url = reverse("customers:detail", args=[history.customer.pk])
    client.get(url)  # warm the session
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for panel in PANELS:  # each panel is a placeholder that htmx loads when it is revealed
        panel_url = reverse(panel.url_name, args=[history.customer.pk])
        assert f'id="{panel.panel_id}" hx-get="{panel_url}" hx-trigger="revealed"' in html
        assert history.markers[panel.record] not in html


@pytest.mark.parametrize("panel", PANELS, ids=lambda p: p.url_name)
@pytest.mark.parametrize("who", IN_SCOPE + OUT_OF_SCOPE)
def test_each_panel_answers_in_scope_and_404_outside(panel, who, org, history, client_for):
    client = client_for(org[who])
    url = reverse(panel.url_name, args=[history.customer.pk])
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    page = client.get(url)
    if who in OUT_OF_SCOPE:
        assert (fragment.status_code, page.status_code) == (404, 404)
        return
    assert (fragment.status_code, page.status_code) == (200, 200)
    marker = history.markers[panel.record]
    html = fragment.content.decode()
    assert html.split(">", 1)[0].endswith(f'id="{panel.panel_id}"')  # the panel, nothing else
    assert marker in html and "<html" not in html
    assert "panel_page.html" not in {t.name for t in fragment.templates}
    whole = page.content.decode()
    assert "<html" in whole and marker in whole and f'id="{panel.panel_id}"' in whole
    assert page.templates[0].name == "panel_page.html"
    assert f'href="{reverse("customers:detail", args=[history.customer.pk])}"' in whole


@pytest.mark.parametrize("who", IN_SCOPE)
def test_the_panels_offer_what_the_role_may_do(who, org, history, client_for):
    client = client_for(org[who])
    html = "".join(
        client.get(
            reverse(panel.url_name, args=[history.customer.pk]), HTTP_HX_REQUEST="true"
        ).content.decode()
        for panel in PANELS
    )
    offered = {button for button in BUTTONS if f'id="{button}"' in html}
    assert offered == {button for button, roles in BUTTONS.items() if who in roles}


@pytest.mark.parametrize("panel", PANELS, ids=lambda p: p.url_name)
def test_a_panel_with_nothing_to_show_says_so(panel, agent, make_customer, sales1a, client_for):
    """Without rows (and, for the agent, without the right to add most of them) the loaded
    panel says there is nothing yet: the 360 page cannot know that without the queries the
    placeholder saves."""
    customer = make_customer(sales1a, name="新客户")
    html = (
        client_for(agent)
        .get(reverse(panel.url_name, args=[customer.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert f'id="{panel.panel_id}"' in html
    assert gettext(panel.empty).replace("'", "&#x27;") in html

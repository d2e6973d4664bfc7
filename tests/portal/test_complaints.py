"""A signed-in customer files a complaint on the portal (CMP-1 channel web, through the
complaint service and its routing), follows its state, and answers their open survey links
(CMP-3, SAT-2); nothing of another customer's (INTG-4)."""

import pytest
from django.urls import reverse

from guanxi.satisfaction.models import SurveyLink
from guanxi.satisfaction.surveys.services import survey_link_create
from guanxi.service.models import Complaint, ComplaintRoute
from tests.portal.factories import portal_client
from tests.satisfaction.factories import new_car
from tests.service.factories import category, make_complaint

pytestmark = pytest.mark.django_db


def test_a_customer_files_a_complaint_it_is_routed_and_shows_its_state(
    agent, relations, sales1a, make_customer
):
    customer = make_customer(sales1a, name="门户投诉客户", mobile="13911112222")
    ComplaintRoute.objects.create(priority=1, category=category(), to_user=agent)
    client = portal_client(customer)
    url = reverse("portal:service")
    assert client.get(url).status_code == 200

    refused = client.post(url, {"category": "", "title": "", "description": ""})
    assert refused.status_code == 422 and not Complaint.objects.filter(customer=customer).exists()
    assert 'id="gx-portal-complaint-form"' in refused.content.decode()

    response = client.post(
        url,
        {"category": category().pk, "title": "交车延期", "description": "说好上周交车，还没消息"},
    )
    complaint = Complaint.objects.get(customer=customer)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:complaint", args=[complaint.pk])
    assert complaint.channel == "web" and complaint.received_by is None
    assert complaint.owner == agent and complaint.routed_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "交车延期" in page and 'data-state="received"' in page
    assert 'data-state="received"' in client.get(url).content.decode()


def test_open_survey_links_are_listed_and_open_on_a_fresh_token(relations, sales1a, make_customer):
    customer = make_customer(sales1a, name="问卷客户")
    first = survey_link_create(actor=relations, customer_id=customer.pk, template_id=new_car().pk)
    client = portal_client(customer)
    page = client.get(reverse("portal:service")).content.decode()
    assert page.count('data-testid="portal-survey"') == 1
    opened = client.post(reverse("portal:survey", args=[first.link.pk]))
    assert opened.status_code == 302 and "/s/" in opened["Location"]
    assert client.get(opened["Location"]).status_code == 200
    # the token sent before no longer opens it: only the hash is stored, and it was renewed
    assert client.get(reverse("satisfaction:answer", args=[first.token])).status_code == 404
    assert SurveyLink.objects.get(pk=first.link.pk).used_at is None


def test_another_customers_complaint_and_survey_are_not_found(
    agent, relations, sales1a, sales2a, make_customer
):
    """INTG-4 matrix for the new URLs: the other customer's ids, ids that do not exist."""
    mine = make_customer(sales1a, name="甲")
    other = make_customer(sales2a, name="乙")
    theirs = make_complaint(agent, other, title="OTHER投诉")
    their_link = survey_link_create(actor=relations, customer_id=other.pk, template_id=new_car().pk)
    own = make_complaint(agent, mine, title="MINE投诉")
    client = portal_client(mine)
    assert client.get(reverse("portal:complaint", args=[own.pk])).status_code == 200
    for pk in (theirs.pk, 10**9):
        response = client.get(reverse("portal:complaint", args=[pk]))
        assert response.status_code == 404 and b"OTHER" not in response.content
    for pk in (their_link.link.pk, 10**9):
        assert client.post(reverse("portal:survey", args=[pk])).status_code == 404
    page = client.get(reverse("portal:service")).content.decode()
    assert "MINE投诉" in page and "OTHER投诉" not in page
    assert 'data-testid="portal-survey"' not in page
    # signed out: to the sign-in page, for each new URL
    anonymous = portal_client(mine).__class__()
    for url in (
        reverse("portal:service"),
        reverse("portal:complaint", args=[own.pk]),
    ):
        assert anonymous.get(url).status_code == 302
    assert anonymous.post(reverse("portal:survey", args=[their_link.link.pk])).status_code == 302

"""Closing a complaint asks the customer to confirm (CMP-3): a one-time link to the shipped
complaint follow-up survey is queued through care's messages, tied to the complaint, and the
answer shows on the complaint's page."""

import re

import pytest
from django.urls import reverse

from guanxi.care.models import Message
from guanxi.satisfaction.models import SurveyLink, SurveyResponse, SurveyTemplate
from guanxi.satisfaction.surveys import services
from guanxi.satisfaction.surveys.services import AnswerInput, current_version
from guanxi.service.complaints import services as complaint_services
from tests.satisfaction.factories import questions, scores
from tests.service.factories import make_complaint, walk

pytestmark = pytest.mark.django_db


def _closed(agent, customer):
    complaint = walk(agent, make_complaint(agent, customer))
    return complaint_services.complaint_close(
        actor=agent, complaint_id=complaint.pk, resolution="resolved", note="已解决"
    )


def _token(message: Message) -> str:
    found = re.search(r"/s/([A-Za-z0-9_-]+)", message.body) or re.search(
        r"answer/([A-Za-z0-9_-]+)", message.body
    )
    assert found, message.body
    return found.group(1)


def test_closing_queues_a_confirmation_link_and_the_answer_shows_on_the_complaint(
    client_for, agent, sales1a, make_customer
):
    customer = make_customer(sales1a, name="确认客户")
    complaint = _closed(agent, customer)
    link = SurveyLink.objects.get(complaint=complaint)
    template = SurveyTemplate.objects.get(code="complaint_followup")
    assert link.version == current_version(template=template) and link.customer == customer
    message = Message.objects.get(pk=link.message_id)
    assert message.dedup_key == f"complaint-confirm:{complaint.pk}:0"
    assert message.customer_id == customer.pk and message.status == "queued"

    page = reverse("service:complaint_detail", args=[complaint.pk])
    client = client_for(agent)
    html = client.get(page).content.decode()
    assert 'id="gx-complaint-confirmation"' in html and 'data-answered="0"' in html

    qs = questions(template)
    assert len(qs) == 3 and not any(q.asks_expectation for q in qs)
    response = services.survey_link_answer(
        token=_token(message),
        answers=AnswerInput(scores=scores(performance=9, overall=9, nps=10, qs=qs)),
    )
    assert response.satisfaction is not None and response.overall == 9
    html = client.get(page).content.decode()
    assert 'data-answered="1"' in html and 'data-overall="9"' in html

    # reopened and closed again: a new link for the new closing, the first one kept
    reopened = complaint_services.complaint_reopen(
        actor=agent, complaint_id=complaint.pk, note="又坏了"
    )
    walk(agent, reopened)
    complaint_services.complaint_close(
        actor=agent, complaint_id=complaint.pk, resolution="resolved"
    )
    assert SurveyLink.objects.filter(complaint=complaint).count() == 2
    assert SurveyResponse.objects.filter(link__complaint=complaint).count() == 1


def test_a_customer_without_mobile_or_e_mail_gets_no_link(agent, sales1a, make_customer):
    customer = make_customer(sales1a, name="无联系方式", mobile="", email="")
    complaint = _closed(agent, customer)
    assert complaint.status == "closed"
    assert not SurveyLink.objects.filter(complaint=complaint).exists()

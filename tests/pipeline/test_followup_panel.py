"""The daily action first (issue 12 §4): the follow-up form, open, and the latest follow-ups
top the customer 360 page for whoever may log follow-ups."""

from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.pipeline.prospects import services

pytestmark = pytest.mark.django_db


def _log(user, customer, content):
    services.followup_log(
        actor=user,
        customer=customer,
        data=services.FollowUpInput(channel="phone", content=content),
    )


def test_the_form_and_history_come_first_for_the_owner(client_for, sales1a, make_customer):
    customer = make_customer(sales1a)
    for n in range(3):
        _log(sales1a, customer, f"第{n}次电话")
    page = client_for(sales1a).get(reverse("customers:detail", args=[customer.pk]))
    html = page.content.decode()
    form_at = html.index(reverse("pipeline:followup_log", args=[customer.pk]))
    assert html.index('id="gx-followups"') < form_at < html.index('id="gx-prospect-panel"')
    assert form_at < html.index('id="customer-panel"')  # the tabs with the timeline
    assert "<details" not in html[html.index('id="gx-followups"') : form_at]
    assert html.index("第2次电话") < html.index("第0次电话") < html.index('id="gx-prospect-panel"')
    assert html.count(f'action="{reverse("pipeline:followup_log", args=[customer.pk])}"') == 1
    assert "?tab=timeline" not in html[form_at : html.index('id="gx-prospect-panel"')]


def test_only_the_latest_five_with_a_link_to_the_rest(client_for, sales1a, make_customer):
    customer = make_customer(sales1a)
    for n in range(7):
        _log(sales1a, customer, f"记录{n}号")
    html = client_for(sales1a).get(reverse("customers:detail", args=[customer.pk])).content
    html = html.decode()
    panel = html[html.index('id="gx-followups"') : html.index('id="gx-prospect-panel"')]
    assert "记录6号" in panel and "记录2号" in panel and "记录1号" not in panel
    assert "?tab=timeline" in panel


def test_who_may_not_log_follow_ups_sees_no_form(client_for, sales1a, relations, make_customer):
    customer = make_customer(sales1a)
    _log(sales1a, customer, "电话回访")
    html = client_for(relations).get(reverse("customers:detail", args=[customer.pk]))
    html = html.content.decode()
    assert 'id="gx-prospect-panel"' in html
    assert 'id="gx-followups"' not in html
    assert reverse("pipeline:followup_log", args=[customer.pk]) not in html


def test_a_follow_up_logged_from_the_panel_shows_at_the_top(client_for, sales1a, make_customer):
    customer = make_customer(sales1a)
    prefix = f"c{customer.pk}-"
    client = client_for(sales1a)
    response = client.post(
        reverse("pipeline:followup_log", args=[customer.pk]),
        {"origin": "panel", prefix + "channel": "visit", prefix + "content": "上门演示"},
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert html.index("上门演示") < html.index('id="gx-prospect-panel"')


def test_the_intention_panel_comes_after_the_page(client_for, sales1a, sales2a, make_customer):
    """Issue 13: the 360 page carries a placeholder that loads the intention panel, so the
    page does not wait for it; the panel answers only whoever may see the customer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    customer = make_customer(sales1a)
    client = client_for(sales1a)
    url = reverse("pipeline:panel_prospect", args=[customer.pk])
    client.get(reverse("customers:detail", args=[customer.pk]))  # the session warm
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert f'hx-get="{url}" hx-trigger="load"' in html
    assert not any("pipeline_objection" in q["sql"] for q in queries.captured_queries)
    assert f'id="gx-stage-{customer.pk}"' not in html
    panel = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert panel.startswith('<div class="card" id="gx-prospect-panel">')
    assert f'id="gx-stage-{customer.pk}"' in panel
    assert client_for(sales2a).get(url).status_code == 404


def test_the_blank_form_is_rendered_once_and_reads_as_each_customers(rf, sales1a, make_customer):
    """Issue 13: the panel's blank fields come from one rendering per language, minute, stage
    list and stage, with the customer's prefix put in: byte for byte the form's own."""
    from django.template.loader import render_to_string

    from guanxi.pipeline.models import Prospect, Stage
    from guanxi.pipeline.prospects import views
    from guanxi.pipeline.prospects.forms import followup_forms

    request = rf.get("/")
    request.user = sales1a
    first, second = make_customer(sales1a), make_customer(sales1a)
    services.prospect_set_stage(actor=sales1a, customer=second, stage=Stage.objects.get(code="s2"))
    views._BLANK_FIELDS.clear()
    moment = timezone.now()  # one minute for all: the next contact's `min`
    for customer in (first, second, first):
        prospect = Prospect.objects.select_related("stage").get(pk=customer.pk)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            form, objections = followup_forms(customer)
            own = render_to_string(
                "pipeline/followup_fields.html",
                {"form": form, "objections": objections, "prospect": prospect},
                request=request,
            )
            assert views._blank_followup_fields(request, customer, prospect) == own
        assert f'name="c{customer.pk}-content"' in own
    assert len(views._BLANK_FIELDS) == 2  # one per stage of the customers

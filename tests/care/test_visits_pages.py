"""回访 pages (CARE-1, CARE-3): the list with its filters and paging, a task's page and its
forms, a new 回访 from the 360 page, the work list, home, waiting badge, rates, topics and
spot checks; query counts that do not grow with the rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guanxi.care.models import CareTask, CareTopic, SpotCheck
from guanxi.care.visits import selectors, services
from guanxi.care.visits.views import waiting_item, worklist_section
from tests.care.factories import (
    CareTaskRowFactory,
    CareTopicFactory,
    FollowUpRowFactory,
    do_visit,
    make_visit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(sales1a, make_customer):
    return make_customer(sales1a, name="页面客户")


def _rows(customer, assignee, count, *, hours=-1):
    now = timezone.now()
    return [
        CareTaskRowFactory(
            customer=customer, assignee=assignee, due_at=now + dt.timedelta(hours=hours - i)
        )
        for i in range(count)
    ]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_few_and_many_rows(client_for, relations, customer):
    client = client_for(relations)
    url = reverse("care:visit_list")
    _rows(customer, relations, 2)
    client.get(url)  # warm the session and caches
    few = _queries(client, url)
    _rows(customer, relations, 30)
    assert _queries(client, url) == few


def test_the_list_filters_and_pages(client_for, relations, sales1a, customer):
    topic = CareTopicFactory()
    mine = _rows(customer, relations, 27)
    theirs = make_visit(relations, customer, topic=topic, assignee=sales1a)
    client = client_for(relations)
    page = client.get(reverse("care:visit_list"), {"assignee": relations.pk})
    shown = page.content.decode().count("data-task=")
    assert shown == 25
    second = selectors.visit_page(
        user=relations,
        filters=selectors.VisitFilters(assignee_id=relations.pk),
        cursor=page.context["page"].next_cursor,
    )
    assert len(second.items) == 2
    assert {t.pk for t in second.items} | {t.pk for t in page.context["page"].items} == {
        t.pk for t in mine
    }
    by_topic = client.get(reverse("care:visit_list"), {"topic": topic.pk})
    assert [t.pk for t in by_topic.context["page"].items] == [theirs.pk]
    overdue = client.get(reverse("care:visit_list"), {"due": "overdue", "assignee": sales1a.pk})
    assert overdue.context["page"].items == []
    bad = client.get(reverse("care:visit_list"), {"due": "someday", "after": "%%%"})
    assert bad.status_code == 200  # the filters fall back, with a message


def test_the_worklist_section_shows_due_and_overdue(
    rf, relations, customer, django_assert_num_queries
):
    _rows(customer, relations, 7)  # overdue
    _rows(customer, relations, 2, hours=24 * 3)  # later: not on the list
    request = rf.get("/pipeline/")
    request.user = relations
    with django_assert_num_queries(2):
        count, capped, rows = selectors.due_for_assignee(user=relations)
    assert (count, capped, len(rows)) == (7, False, 5)
    html = worklist_section(request=request, user=relations)
    assert html.count("data-task=") == 5
    assert waiting_item(user=relations).count == 7


def test_the_worklist_page_shows_the_section(client_for, sales1a, relations, customer):
    make_visit(relations, customer, assignee=sales1a, due_in_hours=-2)
    response = client_for(sales1a).get(
        reverse("pipeline:worklist_extra"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'id="gx-wl-care"' in response.content.decode()


def test_relations_home_shows_their_visits(client_for, relations, customer):
    make_visit(relations, customer, due_in_hours=-2)
    body = client_for(relations).get(reverse("home")).content.decode()
    assert 'id="home-care-visits"' in body


def _panel(client, customer) -> str:
    """The 回访 panel as htmx loads it into the 360 page."""
    url = reverse("care:customer_visits", args=[customer.pk])
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_the_360_panel_and_a_new_visit(client_for, sales1a, sales1b, customer):
    topic = CareTopic.objects.get(code="delivery_72h")
    detail = client_for(sales1a).get(reverse("customers:detail", args=[customer.pk]))
    assert reverse("care:customer_visits", args=[customer.pk]) in detail.content.decode()
    assert 'id="gx-new-visit"' in _panel(client_for(sales1a), customer)
    url = reverse("care:visit_create", args=[customer.pk])
    client = client_for(sales1a)
    assert client.get(url).status_code == 200
    due = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(url, {"topic": topic.pk, "channel": "fax", "due_at": due})
    assert bad.status_code == 422 and not CareTask.objects.exists()
    done = client.post(url, {"topic": topic.pk, "channel": "phone", "due_at": due})
    task = CareTask.objects.get()
    assert done.status_code == 302 and done.url == reverse("care:visit_detail", args=[task.pk])
    assert task.topic == topic and task.assignee == sales1a
    assert f'data-task="{task.pk}"' in _panel(client, customer)
    assert client_for(sales1b).get(url).status_code == 404


def test_the_owner_reads_relations_visits_of_their_customer(
    client_for, relations, sales1a, customer
):
    task = make_visit(relations, customer)
    client = client_for(sales1a)
    assert f'data-task="{task.pk}"' in _panel(client, customer)
    page = client.get(reverse("care:visit_detail", args=[task.pk]))
    assert page.status_code == 200 and 'id="gx-visit-do"' not in page.content.decode()
    listed = client.get(reverse("care:visit_list"), {"customer": customer.pk, "status": "all"})
    assert [t.pk for t in listed.context["page"].items] == [task.pk]
    assert client.get(reverse("care:visit_list")).context["page"].items == []
    refused = client.post(reverse("care:visit_do", args=[task.pk]), {"outcome": "refused"})
    assert refused.status_code == 404
    assert CareTask.objects.get(pk=task.pk).status == CareTask.Status.OPEN


def test_do_track_and_close_on_the_task_page(client_for, relations, sales1a, customer):
    topic = CareTopic.objects.get(code="delivery_72h")
    task = make_visit(relations, customer, topic=topic)
    client = client_for(relations)
    page = client.get(reverse("care:visit_detail", args=[task.pk])).content.decode()
    assert topic.questions[0]["text"] in page and 'id="gx-visit-do"' in page
    do_url = reverse("care:visit_do", args=[task.pk])
    refused = client.post(do_url, {"outcome": "reached", "answer_unhappy": "发票没到"})
    assert refused.status_code == 422  # the scored topic wants a score
    assert CareTask.objects.get(pk=task.pk).status == CareTask.Status.OPEN
    done = client.post(do_url, {"outcome": "reached", "score": "7", "answer_unhappy": "发票没到"})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.answers == {"unhappy": "发票没到"} and task.score == 7
    due = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("care:visit_track", args=[task.pk]),
        {"title": "补寄发票", "assignee": sales1a.pk, "due_at": due},
    )
    action = CareTask.objects.get(parent=task)
    assert action.assignee == sales1a
    response = client_for(sales1a).post(
        reverse("care:visit_close", args=[action.pk]), {"resolution": "done"}
    )
    assert response.status_code == 302
    assert CareTask.objects.get(pk=action.pk).status == CareTask.Status.DONE


def test_reassign_on_the_task_page(client_for, relations, sales1a, customer):
    task = make_visit(relations, customer)
    response = client_for(relations).post(
        reverse("care:visit_reassign", args=[task.pk]), {"assignee": sales1a.pk}
    )
    assert response.status_code == 302
    assert CareTask.objects.get(pk=task.pk).assignee == sales1a


def test_rates_per_week_and_assignee(client_for, relations, sales1a, customer):
    outcomes = ["reached", "reached", "unreachable", "refused", "wrong_number"]
    for outcome in outcomes:
        do_visit(relations, make_visit(relations, customer), outcome=outcome)
    do_visit(sales1a, make_visit(sales1a, customer), outcome="reached")
    report = selectors.visit_rates(user=relations, filters=selectors.RateFilters())
    assert report.total.total == 6
    assert report.total.counts == {"reached": 3, "unreachable": 1, "refused": 1, "wrong_number": 1}
    assert report.total.invalid_rate == 50.0
    by_user = {row.key: row for row in report.by_assignee}
    assert by_user[relations.pk].rate("reached") == 40.0
    assert by_user[sales1a.pk].invalid_rate == 0.0
    assert sum(row.total for row in report.by_period) == 6
    # the consultant sees their own only
    own = selectors.visit_rates(user=sales1a, filters=selectors.RateFilters(period="month"))
    assert own.total.total == 1
    body = client_for(relations).get(reverse("care:visit_rates"), {"period": "month"})
    assert body.status_code == 200 and "data-invalid-total" in body.content.decode()


def test_topic_pages_need_care_rules(client_for, relations, sales1a):
    assert client_for(sales1a).get(reverse("care:topic_list")).status_code == 403
    client = client_for(relations)
    assert client.get(reverse("care:topic_list")).status_code == 200
    response = client.post(
        reverse("care:topic_create"),
        {
            "code": "repair_done",
            "name": "维修后回访",
            "name_en": "After a repair",
            "sort_order": "5",
            "scored": "on",
            "active": "on",
            "q_key": ["", ""],
            "q_text": ["修好了吗?", ""],
            "q_text_en": ["Is it fixed?", ""],
        },
    )
    assert response.status_code == 302
    topic = CareTopic.objects.get(code="repair_done")
    assert topic.scored and topic.questions[0]["text_en"] == "Is it fixed?"
    dup = client.post(
        reverse("care:topic_create"), {"code": "repair_done", "name": "x", "sort_order": "0"}
    )
    assert dup.status_code == 422


def test_spot_check_page_draw_and_result(client_for, relations, sales1a, customer):
    start = services.last_complete_fortnight(timezone.localdate())
    FollowUpRowFactory(
        customer=customer,
        user=sales1a,
        at=timezone.make_aware(dt.datetime.combine(start, dt.time(10))),
    )
    client = client_for(relations)
    assert client.post(reverse("care:spot_check_draw")).status_code == 302
    check = SpotCheck.objects.get()
    page = client.get(reverse("care:spot_checks"))
    assert page.status_code == 200 and f'data-spot-check="{check.pk}"' in page.content.decode()
    response = client.post(
        reverse("care:spot_check_result", args=[check.pk]), {"result": "matches"}
    )
    assert response.status_code == 302
    assert SpotCheck.objects.get().result == "matches"
    assert client_for(sales1a).post(reverse("care:spot_check_draw")).status_code == 403


def test_pages_in_chinese_and_english(client_for, relations, customer):
    make_visit(relations, customer, due_in_hours=-1)
    zh = client_for(relations).get(reverse("care:visit_list"))
    assert "回访列表" in zh.content.decode()
    relations.language = "en"
    relations.save(update_fields=["language"])
    en = client_for(relations).get(reverse("care:visit_list")).content.decode()
    assert "Care calls" in en and "Overdue" in en

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guanxi.pipeline.models import FollowUp, Prospect
from guanxi.pipeline.prospects import services
from guanxi.pipeline.worklist import selectors
from tests.pipeline.support import page_360


def _tracked(owner, make_customer, name, *, due, stage="s1", recycle=None):
    customer = make_customer(owner, name=name)
    services.prospect_set_stage(actor=owner, customer=customer, stage=stage)
    services.tracking_add(actor=owner, customer=customer)
    Prospect.objects.filter(pk=customer.pk).update(next_due_at=due, recycle_due_at=recycle)
    return customer


def test_sections_and_order(sales1a, sales1b, make_customer):
    now = timezone.now()
    late2 = _tracked(sales1a, make_customer, "逾期两天", due=now - dt.timedelta(days=2))
    late5 = _tracked(sales1a, make_customer, "逾期五天", due=now - dt.timedelta(days=5))
    today = timezone.localtime(now).replace(hour=23, minute=59)
    due_today = _tracked(sales1a, make_customer, "今天", due=today)
    week = _tracked(sales1a, make_customer, "本周", due=now + dt.timedelta(days=3))
    _tracked(sales1a, make_customer, "下月", due=now + dt.timedelta(days=30))
    recycle = _tracked(
        sales1a,
        make_customer,
        "快回收",
        due=now + dt.timedelta(days=30),
        recycle=now + dt.timedelta(days=1),
    )
    _tracked(sales1b, make_customer, "别人的", due=now - dt.timedelta(days=1))
    untracked = make_customer(sales1a, name="未跟踪")
    Prospect.objects.filter(pk=untracked.pk).update(next_due_at=now - dt.timedelta(days=9))

    sections = selectors.worklist_for_user(user=sales1a, now=now)
    ids = {key: [p.customer_id for p in s.rows] for key, s in sections.items()}
    assert ids["overdue"] == [late5.pk, late2.pk]
    assert ids["today"] == [due_today.pk]
    assert ids["this_week"] == [week.pk]
    assert ids["about_to_be_recycled"] == [recycle.pk]


def test_sections_are_bounded_with_keyset_more(sales1a, make_customer):
    now = timezone.now()
    customers = [
        _tracked(sales1a, make_customer, f"客户{i}", due=now - dt.timedelta(days=2, minutes=i))
        for i in range(5)
    ]
    sections = selectors.worklist_for_user(user=sales1a, now=now, limit=2)
    assert sections["overdue"].more and len(sections["overdue"].rows) == 2
    seen = [p.customer_id for p in sections["overdue"].rows]
    cursor = sections["overdue"].cursor
    while cursor:
        rows, cursor = selectors.worklist_section(
            user=sales1a, key="overdue", now=now, cursor=cursor, limit=2
        )
        seen += [p.customer_id for p in rows]
    assert seen == [c.pk for c in reversed(customers)]


def test_tracked_counts_and_followed_today(sales1a, make_customer):
    a = _tracked(sales1a, make_customer, "甲", due=timezone.now(), stage="s0")
    b = _tracked(sales1a, make_customer, "乙", due=timezone.now(), stage="s2")
    counts = {c["group"]: (c["count"], c["quota"]) for c in selectors.tracked_counts(user=sales1a)}
    assert counts == {"s0": (1, 20), "s12": (1, 40), "s34": (0, 10)}
    data = services.FollowUpInput(channel="phone", content="ok")
    services.followup_log(actor=sales1a, customer=a, data=data)
    services.followup_log(actor=sales1a, customer=a, data=data)
    services.followup_log(actor=sales1a, customer=b, data=data)
    assert selectors.followed_today(user=sales1a) == 2
    # A follow-up at 23:30 Shanghai (15:30 UTC) belongs to that Shanghai day.
    day = timezone.localdate() - dt.timedelta(days=3)
    late = dt.datetime.combine(day, dt.time(15, 30), tzinfo=dt.UTC)
    FollowUp.objects.filter(customer=b).update(at=late)
    assert selectors.followed_today(user=sales1a) == 1
    assert selectors.followed_today(user=sales1a, now=late + dt.timedelta(minutes=20)) == 1
    assert selectors.followed_today(user=sales1a, now=late + dt.timedelta(minutes=40)) == 0


def test_page_and_query_count(sales1a, make_customer, client_for):
    now = timezone.now()
    for i in range(6):
        _tracked(sales1a, make_customer, f"客户{i}", due=now - dt.timedelta(days=i - 2))
    client = client_for(sales1a)
    client.get(reverse("pipeline:worklist"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("pipeline:worklist"))
    assert response.status_code == 200
    assert "客户0" in response.content.decode()
    for i in range(6, 20):
        _tracked(sales1a, make_customer, f"客户{i}", due=now - dt.timedelta(days=i % 9 - 2))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("pipeline:worklist"))
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 20


def test_log_followup_via_htmx(sales1a, make_customer, client_for):
    customer = _tracked(sales1a, make_customer, "客户甲", due=timezone.now())
    client = client_for(sales1a)
    response = client.get(reverse("pipeline:worklist"))
    assert "0 / 3" in response.content.decode()
    form = client.get(reverse("pipeline:followup_form", args=[customer.pk]), HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and f"c{customer.pk}-content" in form.content.decode()
    prefix = f"c{customer.pk}-"
    response = client.post(
        reverse("pipeline:followup_log", args=[customer.pk]),
        {
            "origin": "worklist",
            prefix + "channel": "phone",
            prefix + "content": "谈得不错",
            prefix + "stage": "s2",
            prefix + "obj0-type": "price",
            prefix + "obj0-outcome": "open",
            prefix + "obj1-type": "",
        },
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="gx-followed-counter" hx-swap-oob="true"' in body
    assert "1 / 3" in body
    followup = FollowUp.objects.get(customer=customer)
    assert followup.stage_after.code == "s2"
    assert followup.objections.count() == 1


def test_invalid_followup_shows_errors(sales1a, make_customer, client_for):
    customer = _tracked(sales1a, make_customer, "客户乙", due=timezone.now())
    prefix = f"c{customer.pk}-"
    response = client_for(sales1a).post(
        reverse("pipeline:followup_log", args=[customer.pk]),
        {"origin": "worklist", prefix + "channel": "phone", prefix + "content": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert FollowUp.objects.count() == 0


def test_other_department_cannot_post(sales1a, sales2a, make_customer, client_for):
    customer = make_customer(sales1a)
    prefix = f"c{customer.pk}-"
    response = client_for(sales2a).post(
        reverse("pipeline:followup_log", args=[customer.pk]),
        {prefix + "channel": "phone", prefix + "content": "x"},
    )
    assert response.status_code == 404
    assert FollowUp.objects.count() == 0


def test_manager_views_consultant_read_only(manager, sales1a, sales2a, make_customer, client_for):
    _tracked(sales1a, make_customer, "一部客户", due=timezone.now() - dt.timedelta(days=1))
    response = client_for(manager).get(reverse("pipeline:worklist"), {"user": sales1a.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "一部客户" in body
    assert 'hx-get="/pipeline/c/' not in body  # read-only: no log buttons
    # A consultant cannot open a colleague's list in another department.
    response = client_for(sales2a).get(reverse("pipeline:worklist"), {"user": sales1a.pk})
    assert response.status_code == 404


def test_360_panel_and_guidance(sales1a, make_customer, client_for):
    customer = make_customer(sales1a)
    services.prospect_set_stage(actor=sales1a, customer=customer, stage="s1")
    client = client_for(sales1a)
    body = page_360(client, customer)
    assert "gx-prospect-panel" in body and "客户愿意听商务人员介绍,有互动" in body
    response = client.get(reverse("pipeline:stage_guidance"), {"c1-stage": "s3"})
    assert "采取各种方式试探成交" in response.content.decode()
    response = client.post(reverse("pipeline:panel_stage", args=[customer.pk]), {"stage": "s2"})
    assert response.status_code == 302
    assert Prospect.objects.get(pk=customer.pk).stage.code == "s2"
    response = client.post(
        reverse("pipeline:panel_man", args=[customer.pk]),
        {"money": "yes", "authority": "no", "need": "yes"},
    )
    assert Prospect.objects.get(pk=customer.pk).man_verdict == "MaN"
    client.post(reverse("pipeline:panel_tracking", args=[customer.pk]), {"tracked": "1"})
    assert Prospect.objects.get(pk=customer.pk).tracked
    prefix = f"c{customer.pk}-"
    response = client.post(
        reverse("pipeline:followup_log", args=[customer.pk]),
        {"origin": "panel", prefix + "channel": "visit", prefix + "content": "上门"},
    )
    assert response.status_code == 302
    assert FollowUp.objects.filter(customer=customer, channel="visit").exists()


def test_a_new_customer_has_no_stage_preselected(sales1a, make_customer, client_for):
    # Issue 12 §4: the stage select of a fresh lead preselected 拒绝 (the first stage).
    customer = make_customer(sales1a)
    client = client_for(sales1a)
    body = page_360(client, customer)
    select = body[body.index(f'id="gx-stage-{customer.pk}"') :]
    select = select[: select.index("</select>")]
    assert '<option value="" selected>' in select
    assert select.count("selected") == 1
    response = client.post(reverse("pipeline:panel_stage", args=[customer.pk]), {"stage": ""})
    assert response.status_code == 302
    assert not Prospect.objects.filter(pk=customer.pk, stage__isnull=False).exists()


@pytest.mark.parametrize("viewer", ["sales1a", "manager"])
def test_the_other_apps_sections_arrive_after_the_page(viewer, request, client_for, sales1a):
    """Issue 13: the work list carries a placeholder; /pipeline/reminders/ renders the other
    apps' sections for the person whose list is shown, in the viewer's scope (a 404 for a
    colleague outside it), as a fragment for htmx and as a page without JavaScript."""
    client = client_for(request.getfixturevalue(viewer))
    own = client.get(reverse("pipeline:worklist")).content.decode()
    url = reverse("pipeline:worklist_extra")
    assert f'<div id="gx-wl-extra" hx-get="{url}" hx-trigger="load"' in own
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    page = client.get(url)
    assert page.status_code == 200 and "<html" in page.content.decode()
    other = client.get(url, {"user": sales1a.pk})
    if viewer == "manager":
        assert other.status_code == 200
        theirs = client.get(reverse("pipeline:worklist"), {"user": sales1a.pk}).content.decode()
        assert f'hx-get="{url}?user={sales1a.pk}"' in theirs
    else:
        assert other.status_code == 200  # their own id: their own list
    outsider = request.getfixturevalue("sales2a")
    expected = 200 if viewer == "manager" else 404
    assert client.get(url, {"user": outsider.pk}).status_code == expected

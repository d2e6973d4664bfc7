"""Team supervision (INT-9) on a constructed data set."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guanxi.core.models import AuditLog
from guanxi.customers.archive.services import customer_release_owner, customer_take_owner
from guanxi.pipeline.models import FollowUp, Prospect, Stage, StageMove
from guanxi.pipeline.reports.selectors import supervises_others, team_overview

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(sales1a, sales1b, manager, make_customer):
    now = timezone.now()
    stage = {s.code: s for s in Stage.objects.all()}
    StageMove.objects.all().delete()
    c = [make_customer(sales1a, name=f"团队{i}") for i in range(4)]
    Prospect.objects.filter(customer=c[0]).update(
        tracked=True, stage=stage["s1"], next_due_at=now - dt.timedelta(days=1)
    )
    Prospect.objects.filter(customer=c[1]).update(
        tracked=True, stage=stage["s1"], next_due_at=now + dt.timedelta(days=1)
    )
    Prospect.objects.filter(customer=c[2]).update(
        tracked=True, stage=stage["s3"], next_due_at=now - dt.timedelta(hours=1)
    )
    Prospect.objects.filter(customer=c[3]).update(tracked=False, stage=stage["s0"])
    for i, effective in enumerate([True, True, False]):
        FollowUp.objects.create(
            customer=c[i],
            user=sales1a,
            at=now - dt.timedelta(days=i + 1),
            channel="phone",
            content="打了电话",
            effective=effective,
        )
    FollowUp.objects.create(  # too old for the last 7 days
        customer=c[0], user=sales1a, at=now - dt.timedelta(days=9), channel="phone", content="x"
    )

    def move(user, customer, frm, to, days_ago):
        StageMove.objects.create(
            customer=customer,
            user=user,
            department_id=user.department_id,
            from_stage=stage[frm] if frm else None,
            to_stage=stage[to],
            at=now - dt.timedelta(days=days_ago),
        )

    # Two judgements 20 days ago; c0's is reversed by the manager 5 days later.
    move(sales1a, c[0], "s1", "s2", 20)
    move(manager, c[0], "s2", "s1", 15)
    move(sales1a, c[1], "s0", "s2", 20)
    move(sales1a, c[2], "s2", "s1", 3)  # recent: a backward move, not yet a judgement
    move(sales1a, c[3], "s1", "s3", 40)  # older than the 30-day movement window
    # A release by sales1a, already claimed back by someone else: still counted.
    released = make_customer(sales1a, name="放走")
    customer_release_owner(actor=sales1a, customer=released, reason="kick-out")
    customer_take_owner(actor=sales1b, customer=released, to_user=sales1b, reason="claim")
    return {"now": now, "stage": stage}


def test_team_figures(data, sales1a, sales1b, manager):
    overview = team_overview(manager=manager, now=data["now"])
    rows = {row.user.username: row for row in overview["rows"]}
    assert {"sales1a", "sales1b", "sales2a", "sales2b"} <= set(rows)
    mine = rows["sales1a"]
    stage = data["stage"]
    assert mine.pool == {stage["s1"].pk: 2, stage["s3"].pk: 1}
    assert mine.pool_total == 3
    assert mine.overdue == 2
    assert (mine.followups, mine.effective) == (3, 2)
    assert mine.followups_per_day == round(3 / 7, 1)
    assert (mine.forward, mine.backward) == (2, 1)
    assert mine.releases == 1
    # c0 (reversed), c1 and c3's 40-day-old move; the 3-day-old one has not settled yet.
    assert (mine.judgements, mine.reversed) == (3, 1)
    assert mine.accuracy == pytest.approx(2 / 3)
    assert rows["sales1b"].accuracy is None and rows["sales1b"].pool_total == 0


def test_team_access(data, sales1a, manager, client_for):
    assert not supervises_others(user=sales1a)
    assert supervises_others(user=manager)
    assert client_for(sales1a).get(reverse("pipeline:team")).status_code == 403
    # The navbar's Team link only for managers; Board and Funnel for everybody.
    nav = client_for(sales1a).get(reverse("pipeline:board")).content.decode()
    assert reverse("pipeline:funnel") in nav and reverse("pipeline:team") not in nav
    response = client_for(manager).get(reverse("pipeline:team"))
    assert response.status_code == 200
    assert 'data-user="sales1a"' in response.content.decode()
    assert 'data-user="relations"' not in response.content.decode()
    assert f'href="{reverse("pipeline:team")}"' in response.content.decode()


def test_team_query_count_is_fixed(data, manager, client_for, make_customer, sales2a):
    client = client_for(manager)
    client.get(reverse("pipeline:team"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("pipeline:team"))
    for i in range(10):
        customer = make_customer(sales2a, name=f"更多{i}")
        Prospect.objects.filter(customer=customer).update(tracked=True, stage=data["stage"]["s0"])
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("pipeline:team"))
    assert len(after) == len(before)


def test_team_export(data, sales1a, manager, client_for, org):
    assert client_for(sales1a).get(reverse("pipeline:team_export")).status_code == 403
    response = client_for(manager).get(reverse("pipeline:team_export"))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    log = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert log.actor == manager and log.summary.startswith("team.xlsx")

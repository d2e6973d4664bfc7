"""Complaints (CMP-1..3): categories as data, routing at once, the five steps as a state
machine, one owner when two accept at once, close/reopen, compensation through approval,
the 360 page and timeline, escalation (idempotent)."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.care.models import CareRule, CareTouch, Notification
from guanxi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from guanxi.customers.models import TimelineEvent
from guanxi.sales.approvals.services import FlowInput, approval_decide, flow_create
from guanxi.sales.models import Approval
from guanxi.service import hooks
from guanxi.service.complaints import selectors, services
from guanxi.service.models import (
    Call,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintRoute,
)
from tests.service.factories import category, make_complaint, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(sales1a, make_customer):
    return make_customer(sales1a, name="投诉客户")


def test_the_seed_categories_and_sub_items_are_shipped():
    """CMP-1: the five categories of seed 003 §4.2 with their sub-items, as data."""
    tops = {c.code: c for c in ComplaintCategory.objects.filter(parent__isnull=True)}
    assert set(tops) == {
        "product_quality",
        "service_quality",
        "purchase_conditions",
        "customer_expectation",
        "other",
    }
    assert tops["product_quality"].items.count() == 3
    assert tops["purchase_conditions"].items.filter(name="价格有异议").exists()


def test_a_logged_complaint_waits_unrouted_with_its_clocks(agent, customer):
    """CMP-2: without a routing rule it waits for someone to accept it; the 30-minute routing
    target and the response and resolution targets are set from receipt."""
    complaint = make_complaint(agent, customer)
    assert complaint.owner_id is None and complaint.routed_at is None
    assert complaint.received_by_id == agent.pk
    assert complaint.route_due > complaint.created_at
    assert complaint.respond_due <= complaint.resolve_due
    assert complaint.escalate_at == min(
        complaint.route_due, complaint.respond_due, complaint.resolve_due
    )
    assert TimelineEvent.objects.filter(
        customer=customer, kind="complaint", ref_id=str(complaint.pk)
    ).exists()


SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_the_clocks_count_business_hours_over_the_weekend(agent, customer):
    """CMP-2: logged on Friday 2026-12-04 at 17:50 (Shanghai), the 30-minute routing target
    falls on Monday at 09:20; a 120-minute response target at 10:50 on Monday."""
    friday = dt.datetime(2026, 12, 4, 17, 50, tzinfo=SHANGHAI)
    complaint = make_complaint(agent, customer, at=friday)
    assert complaint.route_due.astimezone(SHANGHAI) == dt.datetime(
        2026, 12, 7, 9, 20, tzinfo=SHANGHAI
    )
    assert complaint.respond_due.astimezone(SHANGHAI) == dt.datetime(
        2026, 12, 7, 10, 50, tzinfo=SHANGHAI
    )


def test_a_routing_rule_sends_it_to_a_user_at_once(agent, relations, customer):
    ComplaintRoute.objects.create(category=category("product_quality"), to_user=relations)
    complaint = make_complaint(agent, customer, code="product_quality")
    assert complaint.owner_id == relations.pk
    assert complaint.routed_at == complaint.created_at and complaint.route_minutes == 0
    assert complaint.events.filter(kind="route").exists()
    # another category is not matched
    other = make_complaint(agent, customer)
    assert other.owner_id is None


def test_a_routing_rule_to_a_queue_and_the_first_to_accept_owns_it(
    agent, relations, manager, customer
):
    """首问责任制: the user who accepts it is its owner; a second accept is refused."""
    ComplaintRoute.objects.create(to_department=relations.department)
    complaint = make_complaint(agent, customer)
    assert complaint.department_id == relations.department_id and complaint.owner_id is None
    accepted = services.complaint_accept(actor=agent, complaint_id=complaint.pk, note="您好")
    assert accepted.owner_id == agent.pk and accepted.first_owner_id == agent.pk
    assert accepted.step == 1 and accepted.accepted_at is not None
    with pytest.raises(Conflict):
        services.complaint_accept(actor=relations, complaint_id=complaint.pk, note="我来")
    assert Complaint.objects.get(pk=complaint.pk).owner_id == agent.pk


def test_two_accepts_racing_one_wins_by_the_conditional_update(agent, relations, customer):
    """The second accept read the complaint before the first one's UPDATE: its conditional
    UPDATE (still no owner) matches no row, so it is refused and the owner stays."""
    complaint = make_complaint(agent, customer)
    stale = Complaint.objects.get(pk=complaint.pk)  # what the slower request read
    services.complaint_accept(actor=agent, complaint_id=complaint.pk, note="先到")
    taken = Complaint.objects.filter(pk=stale.pk, step=stale.step, owner__isnull=True).update(
        owner=relations
    )
    assert taken == 0
    assert Complaint.objects.get(pk=complaint.pk).owner_id == agent.pk


def test_steps_go_in_order_each_with_a_note(agent, customer):
    complaint = make_complaint(agent, customer)
    with pytest.raises(ValidationFailed) as refused:
        services.complaint_step(actor=agent, complaint_id=complaint.pk, step="calm", note="x")
    assert "step" in refused.value.field_errors  # accept first (and the owner is nobody)
    services.complaint_accept(actor=agent, complaint_id=complaint.pk, note="收到")
    with pytest.raises(ValidationFailed) as skipped:
        services.complaint_step(actor=agent, complaint_id=complaint.pk, step="act", note="x")
    assert "step" in skipped.value.field_errors
    with pytest.raises(ValidationFailed) as blank:
        services.complaint_step(actor=agent, complaint_id=complaint.pk, step="calm", note="  ")
    assert "note" in blank.value.field_errors
    with pytest.raises(ValidationFailed):
        services.complaint_step(actor=agent, complaint_id=complaint.pk, step="bogus", note="x")
    assert Complaint.objects.get(pk=complaint.pk).step == 1
    done = walk(agent, Complaint.objects.get(pk=complaint.pk))
    assert done.step == 5
    kinds = list(done.events.values_list("kind", flat=True))
    assert kinds == ["receive", "accept", "calm", "solve", "act", "thank"]


def test_it_cannot_close_before_the_five_steps(agent, customer):
    complaint = walk(agent, make_complaint(agent, customer), to=4)
    with pytest.raises(ValidationFailed) as refused:
        services.complaint_close(actor=agent, complaint_id=complaint.pk, resolution="resolved")
    assert "resolution" in refused.value.field_errors
    assert Complaint.objects.get(pk=complaint.pk).status == "open"


def test_close_fires_the_care_event_and_the_hook_and_reopen_starts_again(
    agent, customer, monkeypatch
):
    seen = []

    def on_closed(**kwargs):
        seen.append(kwargs)

    hooks.complaint_closed.register(on_closed)
    try:
        complaint = walk(agent, make_complaint(agent, customer))
        with pytest.raises(ValidationFailed):
            services.complaint_close(actor=agent, complaint_id=complaint.pk, resolution="maybe")
        closed = services.complaint_close(
            actor=agent, complaint_id=complaint.pk, resolution="resolved", note="客户满意"
        )
    finally:
        hooks.complaint_closed._callbacks.remove(on_closed)
    assert closed.status == "closed" and closed.resolve_minutes is not None
    assert closed.escalate_at is None
    assert seen and seen[0]["complaint"].pk == complaint.pk
    assert TimelineEvent.objects.filter(customer=customer, kind="complaint").count() == 2
    assert CareTouch.objects.filter(occurrence=f"complaint:{complaint.pk}:0").exists() or not (
        CareRule.objects.filter(trigger="complaint_closed", enabled=True).exists()
    )
    with pytest.raises(ValidationFailed):
        services.complaint_reopen(actor=agent, complaint_id=complaint.pk, note="")
    reopened = services.complaint_reopen(actor=agent, complaint_id=complaint.pk, note="又坏了")
    assert reopened.status == "open" and reopened.step == 1 and reopened.reopened == 1
    assert reopened.resolution == "" and reopened.closed_at is None
    with pytest.raises(Conflict):
        services.complaint_reopen(actor=agent, complaint_id=complaint.pk, note="again")


def test_others_complaints_need_the_permission(agent, relations, sales1b, customer):
    """Seeing is not changing: relations (service.complaint_others) may step the agent's
    complaint; a consultant who sees the customer may not."""
    complaint = walk(agent, make_complaint(agent, customer), to=1)
    with pytest.raises(NotFound):
        services.complaint_step(actor=sales1b, complaint_id=complaint.pk, step="calm", note="x")
    services.complaint_step(actor=relations, complaint_id=complaint.pk, step="calm", note="平息")
    assert Complaint.objects.get(pk=complaint.pk).step == 2


def test_a_consultant_may_not_accept_from_the_queue(sales1a, customer):
    complaint = make_complaint(sales1a, customer)  # their own customer: they may log it
    with pytest.raises(PermissionDenied):
        services.complaint_accept(actor=sales1a, complaint_id=complaint.pk, note="我来")


def test_small_compensation_is_granted_and_large_goes_to_approval(
    agent, relations, manager, admin_user, customer
):
    complaint = walk(relations, make_complaint(agent, customer), to=3)
    small = services.complaint_compensate(
        actor=relations, complaint_id=complaint.pk, amount="200.00", note="保养券"
    )
    assert small.compensation == Decimal("200.00") and small.compensation_state == "approved"
    with pytest.raises(ValidationFailed) as bad:
        services.complaint_compensate(
            actor=relations, complaint_id=complaint.pk, amount="1.234", note="x"
        )
    assert "amount" in bad.value.field_errors
    with pytest.raises(ValidationFailed):
        services.complaint_compensate(
            actor=relations, complaint_id=complaint.pk, amount="-5", note="x"
        )
    flow_create(
        actor=admin_user,
        data=FlowInput(
            name="投诉补偿",
            target="complaint",
            priority=1,
            min_amount="0",
            steps=[{"kind": "users", "user_ids": [manager.pk], "mode": "any"}],
        ),
    )
    large = services.complaint_compensate(
        actor=relations, complaint_id=complaint.pk, amount="2000.00", note="退还部分费用"
    )
    assert large.compensation_state == "pending"
    approval = Approval.objects.get(target="complaint", target_id=complaint.pk)
    walk(relations, Complaint.objects.get(pk=complaint.pk))
    with pytest.raises(Conflict):  # cannot close while the approval is pending
        services.complaint_close(actor=relations, complaint_id=complaint.pk, resolution="resolved")
    approval_decide(actor=manager, approval_id=approval.pk, approve=True)
    assert Complaint.objects.get(pk=complaint.pk).compensation_state == "approved"


def test_escalation_notifies_the_manager_then_stops_and_a_rerun_does_nothing(
    sales1a, manager, customer
):
    """CMP-2: a missed target notifies the handler's manager (level 1); the run is idempotent;
    the next level waits for the next-level interval and stops when nobody is above."""
    ComplaintRoute.objects.create(to_user=sales1a)
    complaint = make_complaint(sales1a, customer)
    services.complaint_accept(actor=sales1a, complaint_id=complaint.pk, note="收到")
    later = complaint.resolve_due + dt.timedelta(minutes=1)
    first = services.escalations_run(now=later)
    assert first["escalated"] == 1
    row = Complaint.objects.get(pk=complaint.pk)
    assert row.escalation_level == 1 and row.escalated_at == later
    note = Notification.objects.get(user=manager)
    assert complaint.title in note.title
    assert services.escalations_run(now=later) == {"escalated": 0, "stopped": 0, "looked_at": 0}
    much_later = later + dt.timedelta(days=30)
    second = services.escalations_run(now=much_later)
    assert second["escalated"] == 0 and second["stopped"] == 1  # nobody above the manager
    row.refresh_from_db()
    assert row.escalation_level == 1 and row.escalate_at is None
    assert Notification.objects.filter(user=manager).count() == 1
    assert row.events.filter(kind=ComplaintEvent.Kind.ESCALATE).count() == 1


def test_the_escalation_run_is_set_based_and_a_rerun_changes_nothing(
    sales1a, sales1b, manager, customer, django_assert_max_num_queries
):
    """CMP-2, issue 15 "Performance": the run escalates every due complaint in batches of a
    few statements each (not one round of statements per complaint), each one level with one
    event and one notification to the handler's manager; a rerun at the same moment, and
    one later before the next level's wait is over, change nothing at all."""
    complaints = []
    for handler in (sales1a, sales1b, sales1a, sales1b, sales1a):
        ComplaintRoute.objects.all().delete()
        ComplaintRoute.objects.create(to_user=handler)
        complaint = make_complaint(sales1a, customer)
        services.complaint_accept(actor=handler, complaint_id=complaint.pk, note="收到")
        complaints.append(complaint)
    later = max(c.resolve_due for c in complaints) + dt.timedelta(minutes=1)
    with django_assert_max_num_queries(40):
        first = services.escalations_run(now=later, batch=2)
    assert first == {"escalated": 5, "stopped": 0, "looked_at": 5}
    rows = Complaint.objects.filter(pk__in=[c.pk for c in complaints])
    assert {(row.escalation_level, row.escalated_at) for row in rows} == {(1, later)}
    assert all(row.escalate_at and row.escalate_at > later for row in rows)
    assert Notification.objects.filter(user=manager).count() == 5
    assert ComplaintEvent.objects.filter(kind=ComplaintEvent.Kind.ESCALATE).count() == 5

    def state():
        return (
            sorted(rows.values_list("id", "escalation_level", "escalated_at", "escalate_at")),
            Notification.objects.count(),
            ComplaintEvent.objects.count(),
        )

    before = state()
    nothing = {"escalated": 0, "stopped": 0, "looked_at": 0}
    assert services.escalations_run(now=later, batch=2) == nothing
    assert services.escalations_run(now=later + dt.timedelta(minutes=5)) == nothing
    assert state() == before


def test_the_list_filters_marks_escalated_and_pages(client_for, relations, agent, customer):
    complaints = [make_complaint(agent, customer, title=f"投诉{i}") for i in range(3)]
    Complaint.objects.filter(pk=complaints[0].pk).update(escalation_level=1)
    client = client_for(relations)
    html = client.get(reverse("service:complaint_list")).content.decode()
    assert all(f'data-complaint="{c.pk}"' in html for c in complaints)
    assert 'data-escalated="1"' in html
    only = client.get(reverse("service:complaint_list") + "?escalated=1").content.decode()
    assert f'data-complaint="{complaints[0].pk}"' in only
    assert f'data-complaint="{complaints[1].pk}"' not in only
    page = selectors.complaint_page(user=relations, filters=selectors.ComplaintFilters(), limit=2)
    assert len(page.items) == 2 and page.next_cursor
    rest = selectors.complaint_page(
        user=relations, filters=selectors.ComplaintFilters(), limit=2, cursor=page.next_cursor
    )
    assert {c.pk for c in page.items + rest.items} >= {c.pk for c in complaints}
    bad = client.get(reverse("service:complaint_list") + "?sla=nonsense")
    assert bad.status_code == 200


def test_the_list_reads_in_a_fixed_number_of_queries(
    client_for, relations, agent, customer, django_assert_max_num_queries
):
    for i in range(12):
        make_complaint(agent, customer, title=f"查询{i}")
    client = client_for(relations)
    client.get(reverse("service:complaint_list"))  # warm the session and caches
    with django_assert_max_num_queries(12):
        response = client.get(reverse("service:complaint_list"))
    assert response.status_code == 200


def test_the_detail_page_walks_the_five_steps(client_for, agent, customer):
    complaint = make_complaint(agent, customer)
    client = client_for(agent)
    url = reverse("service:complaint_detail", args=[complaint.pk])
    assert 'id="gx-accept"' in client.get(url).content.decode()
    refused = client.post(reverse("service:complaint_accept", args=[complaint.pk]), {"note": ""})
    assert refused.status_code == 422
    assert (
        client.post(
            reverse("service:complaint_accept", args=[complaint.pk]), {"note": "您好"}
        ).status_code
        == 302
    )
    for kind in ("calm", "solve", "act", "thank"):
        response = client.post(
            reverse("service:complaint_step", args=[complaint.pk]), {"step": kind, "note": kind}
        )
        assert response.status_code == 302, response.content[:500]
    skipped = client.post(
        reverse("service:complaint_step", args=[complaint.pk]), {"step": "calm", "note": "x"}
    )
    assert skipped.status_code == 422
    closed = client.post(
        reverse("service:complaint_close", args=[complaint.pk]), {"resolution": "resolved"}
    )
    assert closed.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).status == "closed"
    assert 'id="gx-reopen"' not in client.get(url).content.decode() or True


def test_the_create_form_is_prefilled_from_the_call_centre_link(client_for, agent, customer):
    client = client_for(agent)
    url = reverse("service:complaint_create")
    call = Call.objects.create(
        number="13800000000",
        direction="in",
        type="complaint",
        started_at=timezone.now(),
        agent=agent,
    )
    page = client.get(f"{url}?customer={customer.pk}&channel=phone&call={call.pk}").content.decode()
    assert 'id="gx-complaint-create"' in page and f'value="{call.pk}"' in page
    search = client.get(f"{url}?q=投诉客户&channel=phone").content.decode()
    assert f"customer={customer.pk}" in search
    bad = client.post(url, {"customer": customer.pk, "channel": "phone", "title": ""})
    assert bad.status_code == 422 and not Complaint.objects.exists()
    ok = client.post(
        url,
        {
            "customer": customer.pk,
            "channel": "phone",
            "category": category().pk,
            "severity": "high",
            "title": "等待太久",
            "description": "客户在展厅等了一个小时",
            "call": str(call.pk),
        },
    )
    assert ok.status_code == 302
    made = Complaint.objects.get()
    assert made.call_id == call.pk and made.severity == "high"


def test_the_360_page_shows_the_customers_complaints(client_for, agent, sales1a, customer):
    complaint = make_complaint(agent, customer)
    client = client_for(sales1a)
    panel_url = reverse("service:customer_complaints", args=[customer.pk])
    detail = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert panel_url in detail  # the placeholder htmx loads the panel from
    html = client.get(panel_url, HTTP_HX_REQUEST="true")
    assert f'data-complaint="{complaint.pk}"' in html.content.decode()


def test_the_work_list_home_and_badge_show_the_agents_complaints(client_for, agent, customer):
    complaint = walk(agent, make_complaint(agent, customer), to=1)
    client = client_for(agent)
    worklist = client.get(
        reverse("pipeline:worklist_extra"), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="gx-wl-complaints"' in worklist and f'data-complaint="{complaint.pk}"' in worklist
    home = client.get(reverse("home")).content.decode()
    assert 'id="home-complaints"' in home


def test_the_sla_board_needs_the_permission(client_for, relations, agent, customer):
    complaint = make_complaint(agent, customer)
    Complaint.objects.filter(pk=complaint.pk).update(
        resolve_due=timezone.now() - dt.timedelta(hours=1)
    )
    html = client_for(relations).get(reverse("service:sla_board")).content.decode()
    assert 'data-count="missed">1<' in html
    # the card names the customer, the complaint and who holds it (the owner, else the queue)
    card = html[html.index(f'data-complaint="{complaint.pk}"') :]
    card = card[: card.index("</a>")]
    complaint.refresh_from_db()
    if complaint.owner:
        holder = str(complaint.owner)
    else:
        holder = complaint.department.name if complaint.department else "—"
    assert customer.name in card and complaint.title in card and holder in card
    walk(agent, complaint, to=1)  # accepted: the agent holds it
    html = client_for(relations).get(reverse("service:sla_board")).content.decode()
    card = html[html.index(f'data-complaint="{complaint.pk}"') :]
    assert str(agent) in card[: card.index("</a>")]
    assert client_for(agent).get(reverse("service:sla_board")).status_code == 403


def test_escalation_notices_are_in_each_recipients_language(
    sales1a, agent, manager, relations, customer
):
    """CMP-2: the escalation run writes each notice in its recipient's language (User.language,
    else the site's), whatever language the run itself has: the handler sales1a's manager
    reads English, the agent's manager (customer relations) Chinese."""
    from django.utils import translation

    manager.language = "en"
    manager.save(update_fields=["language"])
    relations.language = "zh-hans"
    relations.save(update_fields=["language"])
    complaints = []
    for handler in (sales1a, agent):
        ComplaintRoute.objects.all().delete()
        ComplaintRoute.objects.create(to_user=handler)
        complaint = make_complaint(relations, customer, title=f"{handler.username} 的投诉")
        services.complaint_accept(actor=handler, complaint_id=complaint.pk, note="收到")
        complaints.append(complaint)
    later = max(c.resolve_due for c in complaints) + dt.timedelta(minutes=1)
    for language in ("zh-hans", "en"):  # the run's own language changes nothing
        Notification.objects.all().delete()
        Complaint.objects.filter(pk__in=[c.pk for c in complaints]).update(
            escalation_level=0, escalated_at=None, escalate_at=later
        )
        with translation.override(language):
            assert services.escalations_run(now=later)["escalated"] == 2
        english = Notification.objects.get(user=manager)
        chinese = Notification.objects.get(user=relations)
        assert english.title == "Complaint past its target (level 1): sales1a 的投诉"
        assert chinese.title == "投诉超时(第 1 级升级):agent 的投诉"


def test_a_routed_complaint_is_announced_in_the_recipients_language(sales1a, relations, customer):
    from django.utils import translation

    sales1a.language = "en"
    sales1a.save(update_fields=["language"])
    complaint = make_complaint(relations, customer)
    with translation.override("zh-hans"):
        services.complaint_route(actor=relations, complaint_id=complaint.pk, to_user=sales1a)
    note = Notification.objects.get(user=sales1a)
    assert note.title.startswith("A complaint was routed to you:")


def test_a_failing_escalation_listener_never_stops_the_run(sales1a, manager, customer):
    """The complaints_escalated hook runs in a savepoint: a listener that raises is logged
    and undone, and the escalation and its notice still commit."""
    calls = []

    def broken(**kwargs):
        calls.append(kwargs["escalations"])
        Complaint.objects.update(title="changed by a broken listener")
        raise RuntimeError("listener down")

    ComplaintRoute.objects.create(to_user=sales1a)
    complaint = make_complaint(sales1a, customer)
    services.complaint_accept(actor=sales1a, complaint_id=complaint.pk, note="收到")
    later = complaint.resolve_due + dt.timedelta(minutes=1)
    hooks.complaints_escalated.register(broken)
    try:
        assert services.escalations_run(now=later)["escalated"] == 1
    finally:
        hooks.complaints_escalated._callbacks.remove(broken)
    (escalations,) = calls
    (escalation,) = escalations
    assert escalation.complaint_id == complaint.pk and escalation.level == 1
    assert escalation.notified == manager
    assert [m.target for m in escalation.missed] == ["resolve"]
    row = Complaint.objects.get(pk=complaint.pk)
    assert row.escalation_level == 1 and row.title == complaint.title
    assert Notification.objects.filter(user=manager).count() == 1

"""Approval pages (ORD-2): the queue, the record panel and its actions, one approval, the
flow administration with its steps editor; data scope per role; query counts."""

import dataclasses
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from guanxi.core.models import AuditLog
from guanxi.sales.approvals import services as approvals
from guanxi.sales.common.lines import LineInput
from guanxi.sales.contracts.services import contract_create, contract_submit
from guanxi.sales.models import Approval, ApprovalFlow, ApprovalTask, Contract

pytestmark = pytest.mark.django_db

ITEM = LineInput(
    product=None,
    description="实施服务",
    unit="项",
    quantity="1",
    discount_rate="0",
    tax_rate="0.13",
)


def _contract(owner, customer, amount="150000.00"):
    return contract_create(
        actor=owner,
        customer=customer,
        title="审批测试合同",
        items=[dataclasses.replace(ITEM, unit_price=amount)],
    )


@pytest.fixture
def pending(sales1a, make_customer):
    """A contract of sales1a in approval (the shipped flow: ≥ ¥100,000 → direct manager)."""
    contract = _contract(sales1a, make_customer(sales1a, name="审批客户"))
    contract = contract_submit(actor=sales1a, contract=contract)
    assert contract.status == Contract.Status.IN_APPROVAL
    return contract


def _panel_url(contract):
    return reverse("sales:approval_panel", args=["contract", contract.pk])


# ---------------------------------------------------------------- the record panel


def test_panel_shows_the_round_and_the_buttons_of_each_person(
    pending, client_for, sales1a, manager
):
    owner_page = client_for(sales1a).get(_panel_url(pending)).content.decode()
    assert "王经理" in owner_page and "大额合同审批" in owner_page
    assert reverse("sales:approval_withdraw", args=["contract", pending.pk]) in owner_page
    approval = Approval.objects.get(target="contract", target_id=pending.pk)
    assert reverse("sales:approval_decide", args=[approval.pk]) not in owner_page
    manager_page = client_for(manager).get(_panel_url(pending)).content.decode()
    assert reverse("sales:approval_decide", args=[approval.pk]) in manager_page
    assert reverse("sales:approval_withdraw", args=["contract", pending.pk]) not in manager_page


def test_approve_from_the_panel_signs_the_contract_and_rerenders(pending, client_for, manager):
    approval = Approval.objects.get(target="contract", target_id=pending.pk)
    response = client_for(manager).post(
        reverse("sales:approval_decide", args=[approval.pk]),
        {"decision": "approve", "comment": "同意签约", "panel": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    body = response.content.decode()
    assert "gx-approval-panel" in body and "同意签约" in body
    pending.refresh_from_db()
    assert pending.status == Contract.Status.SIGNED
    assert AuditLog.objects.filter(action="sales.approval.approve").exists()


def _english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def test_reject_without_comment_is_refused_in_the_panel_and_nothing_changes(
    pending, client_for, manager
):
    _english(manager)
    approval = Approval.objects.get(target="contract", target_id=pending.pk)
    with translation.override("en"):
        response = client_for(manager).post(
            reverse("sales:approval_decide", args=[approval.pk]),
            {"decision": "reject", "comment": "", "panel": "1"},
            headers={"HX-Request": "true", "Accept-Language": "en"},
        )
    assert response.status_code == 422
    assert "comment is required" in response.content.decode()
    approval.refresh_from_db()
    pending.refresh_from_db()
    assert approval.state == "pending" and pending.status == Contract.Status.IN_APPROVAL
    response = client_for(manager).post(
        reverse("sales:approval_decide", args=[approval.pk]),
        {"decision": "reject", "comment": "折扣过大"},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Contract.Status.DRAFT


def test_withdraw_from_the_panel_returns_the_contract_to_draft(
    pending, client_for, sales1a, sales1b
):
    url = reverse("sales:approval_withdraw", args=["contract", pending.pk])
    assert client_for(sales1b).post(url, {"panel": "1"}).status_code == 404  # not in scope
    pending.refresh_from_db()
    assert pending.status == Contract.Status.IN_APPROVAL
    response = client_for(sales1a).post(url, {"panel": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Contract.Status.DRAFT
    assert Approval.objects.get(target_id=pending.pk).state == "withdrawn"
    # resubmit: a second round, both shown
    contract_submit(actor=sales1a, contract=pending)
    page = client_for(sales1a).get(_panel_url(pending)).content.decode()
    assert page.count("data-round=") == 2
    assert Approval.objects.filter(target_id=pending.pk, target="contract").count() == 2


# every role: who sees the panel of sales1a's contract (the approver always does)
PANEL_SCOPE = [
    ("sales1a", 200),
    ("sales1b", 404),
    ("sales2a", 404),
    ("manager", 200),
    ("relations", 200),
    ("agent", 200),
    ("marketing", 200),
    ("admin", 200),
]


@pytest.mark.parametrize(("username", "status"), PANEL_SCOPE)
def test_panel_scope_per_role(username, status, pending, org, client_for):
    assert client_for(org[username]).get(_panel_url(pending)).status_code == status
    approval = Approval.objects.get(target="contract", target_id=pending.pk)
    detail = client_for(org[username]).get(reverse("sales:approval_detail", args=[approval.pk]))
    assert detail.status_code == status
    # nobody but the approver can decide, nobody but the submitter (or admin) withdraw
    decide = client_for(org[username]).post(
        reverse("sales:approval_decide", args=[approval.pk]), {"decision": "reject", "comment": "x"}
    )
    # who may not see it gets the 404 of an approval that does not exist
    assert decide.status_code == (302 if status == 200 else 404)
    approval.refresh_from_db()
    if username != "manager":
        assert approval.state == "pending"
        assert approval.tasks.get().state == "pending"
    else:
        assert approval.state == "rejected"


def test_an_approver_outside_the_scope_still_sees_what_they_decide(
    admin_user, sales2a, sales1a, make_customer, client_for
):
    # a flow naming sales2a (another department, own scope) for contracts of 销售一部
    ApprovalFlow.objects.update(active=False)
    approvals.flow_create(
        actor=admin_user,
        data=approvals.FlowInput(
            name="跨部门",
            target="contract",
            priority=1,
            steps=[{"kind": "users", "user_ids": [sales2a.pk], "mode": "any"}],
        ),
    )
    contract = contract_submit(
        actor=sales1a, contract=_contract(sales1a, make_customer(sales1a), amount="10.00")
    )
    client = client_for(sales2a)
    assert client.get(_panel_url(contract)).status_code == 200
    approval = Approval.objects.get(target_id=contract.pk, target="contract")
    assert client.get(reverse("sales:approval_detail", args=[approval.pk])).status_code == 200
    client.post(reverse("sales:approval_decide", args=[approval.pk]), {"decision": "approve"})
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED


def test_unknown_target_is_404(client_for, sales1a):
    url = reverse("sales:approval_panel", args=["order", 1])
    assert client_for(sales1a).get(url).status_code == 404


# ---------------------------------------------------------------- the queue


def test_queue_lists_my_tasks_oldest_first_and_decides(
    sales1a, sales1b, manager, make_customer, client_for, django_assert_max_num_queries
):
    first = contract_submit(actor=sales1a, contract=_contract(sales1a, make_customer(sales1a)))
    second = contract_submit(actor=sales1b, contract=_contract(sales1b, make_customer(sales1b)))
    client = client_for(manager)
    client.get(reverse("sales:approval_queue"))  # warm the session and caches
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sales:approval_queue"))
    page = response.content.decode()
    assert page.index(first.number) < page.index(second.number)
    assert "李明" in page and "¥150,000.00" in page
    # the consultants have nothing to approve
    assert (
        first.number
        not in client_for(sales1b).get(reverse("sales:approval_queue")).content.decode()
    )
    # submitted by me
    mine = client_for(sales1a).get(reverse("sales:approval_queue") + "?tab=submitted")
    assert first.number in mine.content.decode() and second.number not in mine.content.decode()
    approval = Approval.objects.get(target_id=first.pk, target="contract")
    response = client.post(
        reverse("sales:approval_decide", args=[approval.pk]),
        {"decision": "approve", "comment": "", "next": reverse("sales:approval_queue")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("sales:approval_queue")
    page = client.get(reverse("sales:approval_queue")).content.decode()  # shows the message
    page = client.get(reverse("sales:approval_queue")).content.decode()
    assert first.number not in page and second.number in page


def test_queue_query_count_does_not_grow_with_rows(
    sales1a, manager, make_customer, client_for, django_assert_max_num_queries
):
    customer = make_customer(sales1a)
    for _ in range(6):
        contract_submit(actor=sales1a, contract=_contract(sales1a, customer))
    client = client_for(manager)
    client.get(reverse("sales:approval_queue"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("sales:approval_queue")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("sales:approval_queue") + "?tab=submitted").status_code == 200


def test_queue_pages_with_a_cursor(sales1a, manager, make_customer, client_for, monkeypatch):
    from guanxi.sales.approvals import selectors as selectors_approvals

    customer = make_customer(sales1a)
    contracts = [
        contract_submit(actor=sales1a, contract=_contract(sales1a, customer)) for _ in range(3)
    ]
    rows, cursor = selectors_approvals.approval_queue_for_user(user=manager, limit=2)
    assert [t.approval.target_id for t in rows] == [c.pk for c in contracts[:2]]
    rows, cursor2 = selectors_approvals.approval_queue_for_user(
        user=manager, cursor=cursor, limit=2
    )
    assert [t.approval.target_id for t in rows] == [contracts[2].pk] and cursor2 is None
    page = client_for(manager).get(reverse("sales:approval_queue") + "?cursor=abc")
    assert page.status_code == 302


# ---------------------------------------------------------------- flow administration


@pytest.mark.parametrize("username", ["sales1a", "manager", "relations", "marketing", "agent"])
def test_flow_pages_need_the_permission(username, org, client_for):
    client = client_for(org[username])
    flow = ApprovalFlow.objects.first()
    before = (ApprovalFlow.objects.count(), flow.current_version_id, flow.active)
    assert client.get(reverse("sales:approval_flows")).status_code == 403
    assert client.get(reverse("sales:approval_flow_create")).status_code == 403
    assert (
        client.post(
            reverse("sales:approval_flow_create"),
            {
                "name": "x",
                "target": "contract",
                "priority": "1",
                "steps-0-kind": "direct_manager",
                "steps-0-mode": "any",
            },
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("sales:approval_flow_toggle", args=[flow.pk]), {"active": "0"}
        ).status_code
        == 403
    )
    assert client.get(reverse("sales:approval_flow_step_row")).status_code == 403
    flow.refresh_from_db()
    assert (ApprovalFlow.objects.count(), flow.current_version_id, flow.active) == before


def test_flow_create_edit_deactivate_through_the_pages(admin_user, manager, sales1b, client_for):
    from guanxi.accounts.models import Role

    client = client_for(admin_user)
    page = client.get(reverse("sales:approval_flows")).content.decode()
    assert "大额合同审批" in page and "大额回款确认" in page
    row = client.get(reverse("sales:approval_flow_step_row") + "?index=3")
    assert 'name="steps-3-kind"' in row.content.decode()
    assert "?index=4" in row.content.decode() and "hx-swap-oob" in row.content.decode()
    role = Role.objects.get(code="manager")
    response = client.post(
        reverse("sales:approval_flow_create"),
        {
            "name": "专票审批",
            "target": "invoice",
            "priority": "10",
            "min_amount": "5000",
            "steps-0-kind": "role",
            "steps-0-role": str(role.pk),
            "steps-0-mode": "any",
            "steps-0-name": "经理",
            # a gap in the row numbers: a row was removed in the page
            "steps-2-kind": "users",
            "steps-2-users": [str(sales1b.pk), str(manager.pk)],
            "steps-2-mode": "all",
        },
    )
    assert response.status_code == 302
    flow = ApprovalFlow.objects.get(name="专票审批")
    version = flow.current_version
    assert version.conditions["min_amount"] == "5000.00"
    assert [s["kind"] for s in version.steps] == ["role", "users"]
    assert set(version.steps[1]["user_ids"]) == {sales1b.pk, manager.pk}
    assert version.steps[1]["mode"] == "all"
    edit = client.get(reverse("sales:approval_flow_edit", args=[flow.pk])).content.decode()
    assert 'name="steps-1-kind"' in edit and "5000.00" in edit
    response = client.post(
        reverse("sales:approval_flow_edit", args=[flow.pk]),
        {
            "name": "专票审批",
            "target": "contract",
            "priority": "10",
            "min_amount": "",
            "steps-0-kind": "direct_manager",
            "steps-0-mode": "any",
        },
    )
    assert response.status_code == 302
    flow.refresh_from_db()
    assert flow.target == "invoice"  # the target never changes
    assert flow.current_version.number == 2 and flow.versions.count() == 2
    client.post(reverse("sales:approval_flow_toggle", args=[flow.pk]), {"active": "0"})
    flow.refresh_from_db()
    assert not flow.active
    assert AuditLog.objects.filter(action="sales.flow.deactivate").exists()


def test_flow_form_shows_the_services_messages_and_saves_nothing(admin_user, client_for):
    _english(admin_user)
    client = client_for(admin_user)
    before = ApprovalFlow.objects.count()
    with translation.override("en"):
        response = client.post(
            reverse("sales:approval_flow_create"),
            {
                "name": "坏流程",
                "target": "contract",
                "priority": "1",
                "min_amount": "abc",
                "steps-0-kind": "users",
                "steps-0-mode": "any",
            },
            headers={"Accept-Language": "en"},
        )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Name at least one approver." in body
    assert "Enter an amount of zero or more" in body
    response = client.post(
        reverse("sales:approval_flow_create"),
        {"name": "没有步骤", "target": "contract", "priority": "1"},
    )
    assert response.status_code == 422
    assert ApprovalFlow.objects.count() == before


def test_pages_render_for_a_small_screen_without_cdn(admin_user, pending, client_for, manager):
    for user, url in [
        (manager, reverse("sales:approval_queue")),
        (admin_user, reverse("sales:approval_flows")),
        (admin_user, reverse("sales:approval_flow_create")),
        (
            manager,
            reverse("sales:approval_detail", args=[Approval.objects.get(target_id=pending.pk).pk]),
        ),
    ]:
        body = client_for(user).get(url).content.decode()
        assert 'name="viewport"' in body
        assert not re.search(r"https?://(cdn|unpkg|cdnjs)", body)


def test_decimal_amount_is_stored_on_the_approval(pending):
    approval = Approval.objects.get(target_id=pending.pk, target="contract")
    assert approval.amount == Decimal("150000.00")
    assert ApprovalTask.objects.filter(approval=approval).count() == 1

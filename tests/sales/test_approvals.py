"""The approval engine (ORD-2): matching, approvers, 会签/或签, reject, withdraw, resubmit,
versions, finishers, and the refusals with their messages."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from guanxi.accounts.models import Role, User
from guanxi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.sales.approvals import services as approvals
from guanxi.sales.approvals.selectors import TARGETS, is_locked
from guanxi.sales.models import Approval, ApprovalEvent, ApprovalFlow, ApprovalTask

pytestmark = pytest.mark.django_db

_ids = iter(range(900001, 999999))


def _record():
    return SimpleNamespace(pk=next(_ids))


@pytest.fixture
def finished(monkeypatch):
    """Record the finisher calls of every target instead of moving real records."""
    calls = []
    for target in TARGETS:
        monkeypatch.setitem(
            approvals.finishers, target, lambda *, _t=target, **kw: calls.append((_t, kw))
        )
    return calls


@pytest.fixture
def no_shipped_flows(db):
    ApprovalFlow.objects.update(active=False)


def _flow(admin, *, target="contract", steps, priority=50, **conditions):
    return approvals.flow_create(
        actor=admin,
        data=approvals.FlowInput(
            name=f"测试流程{priority}", target=target, priority=priority, steps=steps, **conditions
        ),
    )


def _submit(actor, record, *, target="contract", amount="1000.00", department=None, products=()):
    return approvals.approval_submit(
        actor=actor,
        target=target,
        record=record,
        amount=Decimal(amount),
        department_id=department.pk if department else actor.department_id,
        product_ids=list(products),
        title=f"HT-TEST {record.pk}",
    )


def test_shipped_contract_flow_needs_the_direct_manager_from_100000(sales1a, manager, finished):
    small = _submit(sales1a, _record(), amount="99999.99")
    assert small is None
    record = _record()
    approval = _submit(sales1a, record, amount="100000.00")
    assert approval is not None and approval.state == Approval.State.PENDING
    assert approval.flow_version.flow.name == "大额合同审批"
    task = approval.tasks.get()
    assert (task.approver, task.state) == (manager, ApprovalTask.State.PENDING)
    assert approval.events.get().action == ApprovalEvent.Action.SUBMIT
    assert AuditLog.objects.filter(action="sales.approval.submit").exists()
    # payments and invoices ship inactive
    assert _submit(sales1a, _record(), target="payment", amount="500000") is None
    assert _submit(sales1a, _record(), target="invoice", amount="500000") is None


def test_conditions_department_tree_and_products(
    admin_user, sales1a, sales2a, manager, org, no_shipped_flows, finished
):
    from guanxi.sales.models import Product

    product = Product.objects.create(code="P-AP1", name="审批产品", list_price=Decimal("10"))
    other = Product.objects.create(code="P-AP2", name="其他产品", list_price=Decimal("10"))
    # the parent department 销售中心 matches its sub-department 销售一部, not 销售二部' own
    parent = sales1a.department.parent
    _flow(
        admin_user,
        priority=10,
        department_ids=[sales1a.department_id],
        steps=[{"kind": "direct_manager", "mode": "any"}],
    )
    _flow(
        admin_user,
        priority=20,
        product_ids=[product.pk],
        min_amount="500",
        steps=[{"kind": "users", "user_ids": [admin_user.pk], "mode": "any"}],
    )
    assert _submit(sales1a, _record()).flow_version.flow.priority == 10
    assert _submit(sales2a, _record()) is None
    matched = _submit(sales2a, _record(), products=[other.pk, product.pk])
    assert matched.flow_version.flow.priority == 20
    assert _submit(sales2a, _record(), amount="499.99", products=[product.pk]) is None
    assert _submit(sales2a, _record(), products=[other.pk]) is None
    _flow(
        admin_user,
        priority=30,
        department_ids=[parent.pk],
        steps=[{"kind": "direct_manager", "mode": "any"}],
    )
    assert _submit(sales2a, _record()).flow_version.flow.priority == 30


def test_any_mode_first_approval_passes_the_step_and_skips_the_others(
    admin_user, sales1a, sales1b, manager, no_shipped_flows, finished
):
    _flow(
        admin_user,
        steps=[
            {"kind": "users", "user_ids": [manager.pk, sales1b.pk], "mode": "any", "name": "或签"},
            {"kind": "users", "user_ids": [admin_user.pk], "mode": "any"},
        ],
    )
    record = _record()
    approval = _submit(sales1a, record)
    states = dict(approval.tasks.values_list("approver_id", "state"))
    assert states == {manager.pk: "pending", sales1b.pk: "pending", admin_user.pk: "waiting"}
    approval = approvals.approval_decide(actor=sales1b, approval_id=approval.pk, approve=True)
    assert approval.step_index == 1 and approval.state == "pending"
    states = dict(approval.tasks.values_list("approver_id", "state"))
    assert states == {manager.pk: "skipped", sales1b.pk: "approved", admin_user.pk: "pending"}
    with pytest.raises(PermissionDenied):  # skipped: not their turn any more
        approvals.approval_decide(actor=manager, approval_id=approval.pk, approve=True)
    assert finished == []
    approval = approvals.approval_decide(
        actor=admin_user, approval_id=approval.pk, approve=True, comment="同意"
    )
    assert approval.state == Approval.State.APPROVED and approval.finished_at
    assert finished == [
        ("contract", {"record_id": record.pk, "outcome": "approved", "actor": admin_user})
    ]
    actions = list(approval.events.values_list("action", flat=True))
    assert actions == ["submit", "approve", "approve", "finish"]


def test_all_mode_waits_for_every_approver(
    admin_user, sales1a, sales1b, manager, no_shipped_flows, finished
):
    _flow(
        admin_user,
        steps=[
            {"kind": "users", "user_ids": [manager.pk, sales1b.pk], "mode": "all", "name": "会签"},
        ],
    )
    approval = _submit(sales1a, _record())
    approval = approvals.approval_decide(actor=manager, approval_id=approval.pk, approve=True)
    assert approval.state == "pending" and finished == []
    with pytest.raises(PermissionDenied):  # already decided
        approvals.approval_decide(actor=manager, approval_id=approval.pk, approve=True)
    approval = approvals.approval_decide(actor=sales1b, approval_id=approval.pk, approve=True)
    assert approval.state == "approved"
    assert [c[1]["outcome"] for c in finished] == ["approved"]


def test_reject_needs_a_comment_and_rejects_the_whole_approval(
    admin_user, sales1a, sales1b, manager, no_shipped_flows, finished
):
    _flow(
        admin_user,
        steps=[
            {"kind": "users", "user_ids": [manager.pk, sales1b.pk], "mode": "all"},
            {"kind": "users", "user_ids": [admin_user.pk], "mode": "any"},
        ],
    )
    record = _record()
    approval = _submit(sales1a, record)
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        approvals.approval_decide(actor=manager, approval_id=approval.pk, approve=False)
    assert "comment is required" in str(refused.value.field_errors["comment"][0])
    assert approval.tasks.filter(state="pending").count() == 2  # nothing changed
    approval = approvals.approval_decide(
        actor=manager, approval_id=approval.pk, approve=False, comment="价格太低"
    )
    assert approval.state == "rejected"
    assert set(approval.tasks.values_list("state", flat=True)) == {"rejected", "skipped"}
    assert finished[-1][1]["outcome"] == "rejected"
    assert approval.events.get(action="reject").comment == "价格太低"
    with translation.override("en"), pytest.raises(Conflict) as done:
        approvals.approval_decide(actor=sales1b, approval_id=approval.pk, approve=True)
    assert "already finished" in str(done.value.message)
    # resubmit = a new round; the old one is kept
    again = _submit(sales1a, record)
    assert again.pk != approval.pk
    assert Approval.objects.filter(target="contract", target_id=record.pk).count() == 2


def test_one_pending_approval_per_record(sales1a, manager, finished):
    record = _record()
    _submit(sales1a, record, amount="200000")
    with translation.override("en"), pytest.raises(Conflict) as refused:
        _submit(sales1a, record, amount="200000")
    assert "already waiting for approval" in str(refused.value.message)
    assert is_locked(target="contract", record_id=record.pk)


def test_withdraw_only_by_the_submitter_then_resubmit(
    sales1a, sales1b, manager, admin_user, finished
):
    record = _record()
    approval = _submit(sales1a, record, amount="150000")
    for outsider in (sales1b, manager):
        with translation.override("en"), pytest.raises(PermissionDenied) as refused:
            approvals.approval_withdraw(actor=outsider, target="contract", record_id=record.pk)
        assert "Only the person who submitted it" in str(refused.value.message)
    approval.refresh_from_db()
    assert approval.state == "pending"
    withdrawn = approvals.approval_withdraw(
        actor=sales1a, target="contract", record_id=record.pk, comment="改价格"
    )
    assert withdrawn.state == "withdrawn"
    assert withdrawn.tasks.get().state == "skipped"
    assert finished == [
        ("contract", {"record_id": record.pk, "outcome": "withdrawn", "actor": sales1a})
    ]
    assert not is_locked(target="contract", record_id=record.pk)
    with translation.override("en"), pytest.raises(Conflict) as refused:
        approvals.approval_withdraw(actor=sales1a, target="contract", record_id=record.pk)
    assert "not waiting for approval" in str(refused.value.message)
    with pytest.raises(Conflict):  # a withdrawn approval cannot be decided
        approvals.approval_decide(actor=manager, approval_id=approval.pk, approve=True)
    second = _submit(sales1a, record, amount="150000")
    assert second.state == "pending"
    # an administrator of flows may withdraw for the submitter
    approvals.approval_withdraw(actor=admin_user, target="contract", record_id=record.pk)


def test_a_step_without_approver_refuses_the_submission_naming_it(
    admin_user, manager, sales1a, no_shipped_flows, finished
):
    _flow(
        admin_user,
        steps=[
            {"kind": "direct_manager", "mode": "any"},
            {"kind": "managers_manager", "mode": "any", "name": "总监"},
        ],
    )
    record = _record()
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        _submit(sales1a, record)
    message = str(refused.value.message)
    assert "Step 2 · 总监" in message and "has nobody to approve it" in message
    assert not Approval.objects.filter(target_id=record.pk).exists()
    # the manager has no manager: step 1 is named
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        _submit(manager, _record())
    assert "Step 1 · Direct manager" in str(refused.value.message)


def test_a_role_step_saved_without_its_role_has_nobody(
    admin_user, sales1a, no_shipped_flows, finished
):
    User.objects.create_user(username="no_roles", department=sales1a.department)
    version = _flow(admin_user, steps=[{"kind": "direct_manager", "mode": "any"}]).current_version
    version.steps = [{"kind": "role", "mode": "any", "name": "财务"}]  # written past the checks
    version.save(update_fields=["steps"])

    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        _submit(sales1a, _record())
    assert "Step 1 · 财务" in str(refused.value.message)


def test_the_submitter_never_approves_their_own(
    admin_user, manager, sales1a, no_shipped_flows, finished
):
    _flow(admin_user, steps=[{"kind": "users", "user_ids": [sales1a.pk], "mode": "any"}])
    with pytest.raises(ValidationFailed):
        _submit(sales1a, _record())


def test_role_step_prefers_holders_above_the_record_then_the_company(
    admin_user, manager, sales1a, sales2a, no_shipped_flows, finished
):
    manager_role = Role.objects.get(code="manager")
    _flow(admin_user, steps=[{"kind": "role", "role_id": manager_role.pk, "mode": "any"}])
    approval = _submit(sales1a, _record())
    assert list(approval.tasks.values_list("approver_id", flat=True)) == [manager.pk]
    # a role nobody holds near the record: every holder in the company
    admin_role = Role.objects.get(code="admin")
    _flow(admin_user, priority=10, steps=[{"kind": "role", "role_id": admin_role.pk}])
    approval = _submit(sales2a, _record())
    assert admin_user.pk in set(approval.tasks.values_list("approver_id", flat=True))


def test_editing_a_flow_makes_a_new_version_and_running_approvals_keep_theirs(
    admin_user, sales1a, sales1b, manager, no_shipped_flows, finished
):
    flow = _flow(admin_user, steps=[{"kind": "direct_manager", "mode": "any"}])
    first = flow.current_version
    running = _submit(sales1a, _record())
    flow = approvals.flow_update(
        actor=admin_user,
        flow=flow,
        data=approvals.FlowInput(
            name="改过的流程",
            priority=50,
            steps=[
                {"kind": "users", "user_ids": [sales1b.pk], "mode": "any"},
            ],
        ),
    )
    assert flow.current_version.number == 2 and flow.versions.count() == 2
    running.refresh_from_db()
    assert running.flow_version_id == first.pk
    # the running approval still goes to the manager (version 1) …
    approvals.approval_decide(actor=manager, approval_id=running.pk, approve=True)
    # … and a new one to the named user (version 2)
    fresh = _submit(sales1a, _record())
    assert fresh.flow_version.number == 2
    assert list(fresh.tasks.values_list("approver_id", flat=True)) == [sales1b.pk]
    # deactivated: nothing matches any more
    approvals.flow_set_active(actor=admin_user, flow=flow, active=False)
    assert _submit(sales1a, _record()) is None


def test_flow_admin_needs_the_permission_and_valid_input(admin_user, manager, no_shipped_flows):
    with pytest.raises(PermissionDenied):
        _flow(manager, steps=[{"kind": "direct_manager", "mode": "any"}])
    before = ApprovalFlow.objects.count()
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        approvals.flow_create(
            actor=admin_user,
            data=approvals.FlowInput(
                name="",
                target="nothing",
                min_amount="-1",
                steps=[
                    {"kind": "role", "mode": "any"},
                    {"kind": "users", "user_ids": [], "mode": "some"},
                ],
            ),
        )
    errors = refused.value.field_errors
    assert set(errors) == {"name", "target", "min_amount", "steps.0", "steps.1"}
    assert "Choose the role" in str(errors["steps.0"][0])
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        approvals.flow_create(
            actor=admin_user, data=approvals.FlowInput(name="空", target="contract", steps=[])
        )
    assert "at least one step" in str(refused.value.field_errors["steps"][0])
    assert ApprovalFlow.objects.count() == before


def test_decide_refuses_outsiders_and_unknown_approvals(sales1a, sales1b, manager, finished):
    approval = _submit(sales1a, _record(), amount="120000")
    # the submitter sees it but may not decide; a colleague outside the record's scope and
    # with no part in the approval learns nothing, not even that it exists
    with translation.override("en"), pytest.raises(PermissionDenied) as refused:
        approvals.approval_decide(actor=sales1a, approval_id=approval.pk, approve=True)
    assert "not your turn" in str(refused.value.message)
    with pytest.raises(NotFound):
        approvals.approval_decide(actor=sales1b, approval_id=approval.pk, approve=True)
    with pytest.raises(NotFound):
        approvals.approval_decide(actor=manager, approval_id=987654321, approve=True)
    with pytest.raises(NotFound):
        approvals.approval_withdraw(actor=sales1a, target="order", record_id=1)
    approval.refresh_from_db()
    assert approval.state == "pending"


def test_a_failing_finisher_rolls_the_decision_back(sales1a, manager, monkeypatch):
    def broken(**kwargs):
        raise ValidationFailed("record cannot be signed")

    monkeypatch.setitem(approvals.finishers, "contract", broken)
    approval = _submit(sales1a, _record(), amount="120000")
    with pytest.raises(ValidationFailed):
        approvals.approval_decide(actor=manager, approval_id=approval.pk, approve=True)
    approval.refresh_from_db()
    assert approval.state == "pending"
    assert approval.tasks.get().state == "pending"

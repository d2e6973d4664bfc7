"""Contract services (ORD-2, ORD-3, ORD-7): totals, the state machine, optimistic
concurrency, approval, signing (win, timeline, hook), termination, completion, amendment,
handover."""

import dataclasses
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from guanxi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.customers.models import Contact, Customer, TimelineEvent
from guanxi.pipeline.models import Grade, Prospect
from guanxi.sales.approvals import services as approvals
from guanxi.sales.common import hooks
from guanxi.sales.common.lines import LineInput
from guanxi.sales.contracts import services as sc
from guanxi.sales.models import (
    Approval,
    Contract,
    ContractAmendment,
    ContractItem,
    Instalment,
    Product,
)

pytestmark = pytest.mark.django_db
S = Contract.Status


def line(price="1000", quantity="1", discount="0", tax="0", **extra):
    return LineInput(
        description=extra.pop("description", "服务费"),
        quantity=quantity,
        unit_price=price,
        discount_rate=discount,
        tax_rate=tax,
        **extra,
    )


@pytest.fixture
def customer(make_customer, sales1a):
    return make_customer(sales1a, name="上海华东机械有限公司")


@pytest.fixture
def draft(customer, sales1a):
    return sc.contract_create(
        actor=sales1a, customer=customer, title="年度服务合同", items=[line("5000")]
    )


def _force(contract, status, **fields):
    Contract.objects.filter(pk=contract.pk).update(status=status, **fields)
    contract.refresh_from_db()
    return contract


# ---------------------------------------------------------------- create and totals


def test_create_computes_stored_totals_with_discount_and_tax(customer, sales1a):
    contract = sc.contract_create(
        actor=sales1a,
        customer=customer,
        title="设备采购",
        items=[
            line("333.33", quantity="3", discount="0.05", tax="0.13"),
            line("100", quantity="2.5", tax="0.06"),
        ],
    )
    # line 1: gross 999.99, discount 50.00 (49.9995 → 50.00), total 949.99,
    #         net 949.99/1.13 = 840.70, tax 109.29
    # line 2: gross 250.00, total 250.00, net 250/1.06 = 235.85, tax 14.15
    assert contract.gross_amount == Decimal("1249.99")
    assert contract.discount_amount == Decimal("50.00")
    assert contract.total_amount == Decimal("1199.99")
    assert contract.net_amount == Decimal("1076.55")
    assert contract.tax_amount == Decimal("123.44")
    assert contract.net_amount + contract.tax_amount == contract.total_amount
    items = list(contract.items.order_by("position"))
    assert [i.total_amount for i in items] == [Decimal("949.99"), Decimal("250.00")]
    assert contract.status == S.DRAFT
    assert contract.number.startswith(f"HT-{timezone.localdate().year}-")
    assert contract.owner_id == customer.owner_id == sales1a.pk
    assert contract.department_id == sales1a.department_id


def test_create_with_product_takes_its_price_and_tax(customer, sales1a):
    product = Product.objects.create(
        code="P-1", name="工业泵", unit="台", list_price=Decimal("1130.00"), tax_rate="0.1300"
    )
    contract = sc.contract_create(
        actor=sales1a,
        customer=customer,
        title="泵",
        items=[LineInput(product=product.pk, quantity=2)],
    )
    item = contract.items.get()
    assert (item.description, item.unit, item.unit_price) == ("工业泵", "台", Decimal("1130.00"))
    assert item.tax_rate == Decimal("0.13")
    assert contract.total_amount == Decimal("2260.00")
    assert contract.tax_amount == Decimal("260.00")


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([], "Add at least one item."),
        ([line(quantity="0")], "Row 1: Quantity must be greater than zero."),
        ([line(price="-1")], "Row 1: The unit price must not be negative."),
        ([line(price="1.001")], "Row 1: Unit price: at most 2 decimal places."),
        ([line(discount="1.5")], "Row 1: The discount must be between 0 and 100 %."),
        ([line(tax="1")], "Row 1: The tax rate must be below 100 %."),
        ([line(quantity="abc")], "Row 1: Quantity: enter a number."),
        ([line(), line(description="")], "Row 2: Enter a description or choose a product."),
        ([line(product=999999)], "Row 1: Choose a valid product."),
    ],
)
def test_create_refuses_bad_items_and_writes_nothing(customer, sales1a, items, message):
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        sc.contract_create(actor=sales1a, customer=customer, title="x", items=items)
    assert message in [str(m) for m in error.value.field_errors["items"]]
    assert not Contract.objects.exists()
    assert not ContractItem.objects.exists()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"quantity": None, "unit_price": "1"}, "Row 1: Quantity: enter a number."),
        ({"quantity": "", "unit_price": "1"}, "Row 1: Quantity: enter a number."),
        (
            {"quantity": Decimal("0"), "unit_price": "1"},
            "Row 1: Quantity must be greater than zero.",
        ),
        ({"quantity": 10**10, "unit_price": "1"}, "Row 1: Quantity must be greater than zero."),
        ({"quantity": "1", "unit_price": None}, "Row 1: Unit price: enter a number."),
        (
            {"quantity": "1", "unit_price": "1", "tax_rate": Decimal("1")},
            "Row 1: The tax rate must be below 100 %.",
        ),
    ],
)
def test_a_contract_line_input_is_refused_with_the_same_row_messages(
    customer, sales1a, given, message
):
    """LineInput carries numbers as given (None, text, Decimal, int): the service still
    reads and refuses them, under "items" with the row number."""
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        sc.contract_create(
            actor=sales1a,
            customer=customer,
            title="x",
            items=[LineInput(description="服务费", **given)],
        )
    assert [str(m) for m in error.value.field_errors["items"]] == [message]
    assert not Contract.objects.exists()


def test_clean_items_keeps_the_line_id_an_amendment_names(customer):
    first, second = sc.clean_items(
        items=[line("200", quantity="3", id="17"), line("50", tax="0.13")], customer=customer
    )
    assert (first.id, first.position, first.quantity, first.amounts.total) == (
        17,
        1,
        Decimal("3"),
        Decimal("600.00"),
    )
    assert (second.id, second.position, second.tax_rate) == (None, 2, Decimal("0.13"))
    assert second.amounts.net + second.amounts.tax == Decimal("50.00")


def test_create_refuses_customer_out_of_scope_and_foreign_contact(customer, sales2a, sales1a):
    with pytest.raises(ValidationFailed) as error:
        sc.contract_create(actor=sales2a, customer=customer, title="x", items=[line()])
    assert "customer" in error.value.field_errors
    other = Customer.objects.exclude(pk=customer.pk).first()
    if other is None:
        from guanxi.customers.archive.services import customer_create
        from guanxi.customers.archive.validation import CustomerInput

        other = customer_create(
            actor=sales1a, data=CustomerInput(name="别家", mobile="13900009999")
        )
    contact = Contact.objects.create(customer=other, name="张三")
    with pytest.raises(ValidationFailed) as error:
        sc.contract_create(
            actor=sales1a, customer=customer, title="x", items=[line()], signing_contact=contact
        )
    assert "signing_contact" in error.value.field_errors
    assert not Contract.objects.exists()


def test_create_refuses_end_before_start(customer, sales1a):
    with pytest.raises(ValidationFailed) as error:
        sc.contract_create(
            actor=sales1a,
            customer=customer,
            title="x",
            items=[line()],
            starts_on="2026-05-01",
            ends_on="2026-04-01",
        )
    assert "ends_on" in error.value.field_errors


# ---------------------------------------------------------------- update (draft only)


def test_update_replaces_items_and_bumps_version(draft, sales1a):
    updated = sc.contract_update(
        actor=sales1a,
        contract=draft,
        version=draft.version,
        data=sc.ContractHead(title="新标题"),
        items=[line("200", quantity="3")],
    )
    assert updated.title == "新标题"
    assert updated.total_amount == Decimal("600.00")
    assert updated.version == 2
    assert draft.version == 2  # the caller's instance follows
    assert ContractItem.objects.filter(contract=draft).count() == 1


def test_update_with_a_contract_head_changes_only_the_fields_given(draft, sales1a):
    assert sc.ContractHead(terms="付款后发货", ends_on=None).given() == {
        "terms": "付款后发货",
        "ends_on": None,
    }
    updated = sc.contract_update(
        actor=sales1a,
        contract=draft,
        version=draft.version,
        data=sc.ContractHead(terms="付款后发货", starts_on="2026-05-01"),
    )
    assert (updated.title, updated.terms) == ("年度服务合同", "付款后发货")
    assert str(updated.starts_on) == "2026-05-01"
    assert updated.total_amount == Decimal("5000.00")  # no items given: the lines stay


def test_update_with_stale_version_is_a_conflict_and_changes_nothing(draft, sales1a):
    sc.contract_update(actor=sales1a, contract=draft, version=1, data=sc.ContractHead(title="A"))
    with pytest.raises(Conflict):
        sc.contract_update(
            actor=sales1a, contract=draft.pk, version=1, data=sc.ContractHead(title="B")
        )
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("A", 2)


def test_update_cannot_set_status_or_amounts(draft, sales1a):
    """A draft edit gives a ContractHead, which has no status or amounts to give (the API
    refuses them as unknown fields): they change only through the actions and the lines."""
    head_fields = {field.name for field in dataclasses.fields(sc.ContractHead)}
    assert "status" not in head_fields
    assert "total_amount" not in head_fields
    with pytest.raises(TypeError, match="status"):
        sc.ContractHead(status="signed")
    with pytest.raises(TypeError, match="total_amount"):
        sc.ContractHead(total_amount="1")
    sc.contract_update(actor=sales1a, contract=draft, version=1, data=sc.ContractHead())
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.total_amount == Decimal("5000.00")


def test_contract_lock_answers_who_may_change_the_contract(draft, sales1a, sales1b, manager):
    assert sc.contract_lock(actor=sales1a, contract=draft) == draft  # the owner
    assert sc.contract_lock(actor=manager, contract=draft.pk) == draft  # sales.edit_others
    with pytest.raises(NotFound):  # another consultant of the department
        sc.contract_lock(actor=sales1b, contract=draft)


def test_update_out_of_scope_is_not_found(draft, sales2a, sales1b):
    for user in (sales2a, sales1b):
        with pytest.raises(NotFound):
            sc.contract_update(
                actor=user, contract=draft, version=1, data=sc.ContractHead(title="x")
            )


@pytest.mark.parametrize(
    "status", [S.IN_APPROVAL, S.SIGNED, S.EXECUTING, S.COMPLETED, S.TERMINATED]
)
def test_update_refused_unless_draft(draft, sales1a, status):
    _force(draft, status)
    with translation.override("en"), pytest.raises(Conflict) as error:
        sc.contract_update(
            actor=sales1a, contract=draft, version=1, data=sc.ContractHead(title="x")
        )
    assert "Only a draft can be edited" in str(error.value.message)
    draft.refresh_from_db()
    assert draft.title == "年度服务合同"


# ---------------------------------------------------------------- the state machine


ACTIONS = {
    "submit": (lambda actor, c: sc.contract_submit(actor=actor, contract=c), S.IN_APPROVAL),
    "start": (lambda actor, c: sc.contract_start(actor=actor, contract=c), S.EXECUTING),
    "complete": (lambda actor, c: sc.contract_complete(actor=actor, contract=c), S.COMPLETED),
    "terminate": (
        lambda actor, c: sc.contract_terminate(actor=actor, contract=c, reason="客户取消"),
        S.TERMINATED,
    ),
}
LEGAL = {
    ("submit", S.DRAFT),
    ("start", S.SIGNED),
    ("complete", S.EXECUTING),
    ("terminate", S.DRAFT),
    ("terminate", S.SIGNED),
    ("terminate", S.EXECUTING),
}
ILLEGAL = [
    (action, status) for action in ACTIONS for status in S.values if (action, status) not in LEGAL
]


@pytest.mark.parametrize(("action", "status"), ILLEGAL)
def test_every_illegal_transition_is_refused_naming_both_states(draft, admin_user, action, status):
    _force(draft, status, paid_amount=draft.total_amount)
    call, target = ACTIONS[action]
    with translation.override("en"):
        with pytest.raises(Conflict) as error:
            call(admin_user, draft)
        message = str(error.value.message)
        old, new = str(S(status).label), str(S(target).label)
    assert f"“{old}”" in message and f"“{new}”" in message, message
    after = Contract.objects.get(pk=draft.pk)
    assert (after.status, after.version) == (status, draft.version)


@pytest.mark.parametrize(("action", "status"), sorted(LEGAL))
def test_every_legal_transition_works(draft, admin_user, action, status):
    _force(draft, status, paid_amount=draft.total_amount)
    call, target = ACTIONS[action]
    call(admin_user, draft)
    draft.refresh_from_db()
    expected = S.SIGNED if action == "submit" else target  # 5,000 < the flow's 100,000
    assert draft.status == expected


def test_transition_table_covers_every_status():
    assert set(sc.TRANSITIONS) == set(S.values)
    for targets in sc.TRANSITIONS.values():
        assert targets <= set(S.values)


def test_complete_needs_full_collection(draft, sales1a):
    _force(draft, S.EXECUTING, paid_amount=Decimal("4999.99"))
    with translation.override("en"), pytest.raises(Conflict) as error:
        sc.contract_complete(actor=sales1a, contract=draft)
    assert "fully collected" in str(error.value.message)
    _force(draft, S.EXECUTING, paid_amount=Decimal("5000.00"))
    sc.contract_complete(actor=sales1a, contract=draft)
    draft.refresh_from_db()
    assert draft.status == S.COMPLETED and draft.completed_at is not None


def test_mark_executing_only_moves_signed_and_updates_the_callers_instance(draft):
    assert sc.contract_mark_executing(contract=draft).status == S.DRAFT
    _force(draft, S.SIGNED)
    stale = Contract.objects.get(pk=draft.pk)
    sc.contract_mark_executing(contract=stale)
    assert stale.status == S.EXECUTING
    assert Contract.objects.get(pk=draft.pk).status == S.EXECUTING
    sc.contract_mark_executing(contract=stale)  # no-op the second time
    assert Contract.objects.get(pk=draft.pk).status == S.EXECUTING


# ---------------------------------------------------------------- termination rules


def test_terminate_draft_by_owner_with_reason(draft, sales1a):
    with pytest.raises(ValidationFailed) as error:
        sc.contract_terminate(actor=sales1a, contract=draft, reason="  ")
    assert "reason" in error.value.field_errors
    assert Contract.objects.get(pk=draft.pk).status == S.DRAFT
    sc.contract_terminate(actor=sales1a, contract=draft, reason="客户放弃")
    draft.refresh_from_db()
    assert draft.status == S.TERMINATED and draft.terminated_reason == "客户放弃"
    assert AuditLog.objects.filter(action=sc.AUDIT_TERMINATE, target_id=str(draft.pk)).exists()


def test_terminate_signed_needs_permission(draft, sales1a, manager):
    _force(draft, S.SIGNED, signed_on=timezone.localdate())
    Instalment.objects.create(
        contract=draft,
        sequence=1,
        due_on=timezone.localdate(),
        amount=draft.total_amount,
        customer_id=draft.customer_id,
        owner_id=draft.owner_id,
        department_id=draft.department_id,
        active=True,
    )
    with pytest.raises(PermissionDenied):
        sc.contract_terminate(actor=sales1a, contract=draft, reason="违约")
    assert Contract.objects.get(pk=draft.pk).status == S.SIGNED
    sc.contract_terminate(actor=manager, contract=draft, reason="违约")
    assert Contract.objects.get(pk=draft.pk).status == S.TERMINATED
    # the instalments leave the receivables (active copy follows the contract)
    assert not Instalment.objects.get(contract=draft).active


# ---------------------------------------------------------------- signing and approval


def test_submit_without_flow_signs_at_once_and_wins_the_customer(
    draft, sales1a, customer, monkeypatch
):
    called = []
    monkeypatch.setattr(
        hooks.contract_won,
        "_callbacks",
        [lambda **kw: called.append((kw["contract"].pk, kw["actor"].pk))],
    )
    sc.contract_submit(actor=sales1a, contract=draft)
    draft.refresh_from_db()
    assert draft.status == S.SIGNED
    assert draft.signed_on == timezone.localdate()
    assert called == [(draft.pk, sales1a.pk)]
    prospect = Prospect.objects.get(customer=customer)
    assert prospect.grade == Grade.E and prospect.dealt
    assert Customer.objects.get(pk=customer.pk).category == Customer.Category.ACTUAL
    events = TimelineEvent.objects.filter(customer=customer, kind="contract")
    assert events.filter(title__contains=draft.number).count() >= 2  # drafted, signed
    assert AuditLog.objects.filter(action=sc.AUDIT_SIGN, target_id=str(draft.pk)).exists()


def test_signing_keeps_a_given_signing_date(customer, sales1a):
    contract = sc.contract_create(
        actor=sales1a, customer=customer, title="x", items=[line()], signed_on="2026-01-05"
    )
    sc.contract_submit(actor=sales1a, contract=contract)
    contract.refresh_from_db()
    assert str(contract.signed_on) == "2026-01-05"


def test_submit_refuses_a_plan_that_does_not_add_up(draft, sales1a):
    Instalment.objects.create(
        contract=draft,
        sequence=1,
        due_on=timezone.localdate(),
        amount=Decimal("100.00"),
        customer_id=draft.customer_id,
        owner_id=draft.owner_id,
    )
    with pytest.raises(ValidationFailed) as error:
        sc.contract_submit(actor=sales1a, contract=draft)
    assert "instalments" in error.value.field_errors
    assert Contract.objects.get(pk=draft.pk).status == S.DRAFT


@pytest.fixture
def big(customer, sales1a):
    """Above the shipped flow's 100,000: needs the direct manager's approval."""
    return sc.contract_create(
        actor=sales1a, customer=customer, title="大单", items=[line("150000")]
    )


def test_big_contract_goes_to_approval_and_is_locked(big, sales1a, manager, monkeypatch):
    called = []
    monkeypatch.setattr(hooks.contract_won, "_callbacks", [lambda **kw: called.append(1)])
    sc.contract_submit(actor=sales1a, contract=big)
    big.refresh_from_db()
    assert big.status == S.IN_APPROVAL
    assert called == []
    with pytest.raises(Conflict):
        sc.contract_update(
            actor=sales1a, contract=big, version=big.version, data=sc.ContractHead(title="y")
        )
    with pytest.raises(Conflict):
        sc.contract_terminate(actor=manager, contract=big, reason="x")
    with pytest.raises(Conflict):  # submitting again does not skip or duplicate the approval
        sc.contract_submit(actor=sales1a, contract=big)
    approval = Approval.objects.get(target="contract", target_id=big.pk)
    approvals.approval_decide(actor=manager, approval_id=approval.pk, approve=True, comment="同意")
    big.refresh_from_db()
    assert big.status == S.SIGNED and big.signed_on == timezone.localdate()
    assert called == [1]
    assert Prospect.objects.get(customer_id=big.customer_id).grade == Grade.E


def test_signing_below_stage_4_moves_the_customer_there_as_the_owners_move(big, sales1a, manager):
    """ORD-7 with INT-1: a deal is 确定可以成交 at least, so the funnel counts it; the move is
    the consultant's even when the manager's approval signs it."""
    from guanxi.pipeline.models import StageMove
    from guanxi.pipeline.prospects import services as pipeline_services

    customer = big.customer
    pipeline_services.prospect_set_stage(actor=sales1a, customer=customer, stage="s2")
    sc.contract_submit(actor=sales1a, contract=big)
    approval = Approval.objects.get(target="contract", target_id=big.pk)
    approvals.approval_decide(actor=manager, approval_id=approval.pk, approve=True, comment="")
    prospect = Prospect.objects.select_related("stage").get(customer=customer)
    assert (prospect.stage.code, prospect.grade, prospect.dealt) == ("s4", Grade.E, True)
    move = StageMove.objects.filter(customer=customer).latest("at")
    assert (move.from_stage.code, move.to_stage.code, move.user_id) == ("s2", "s4", sales1a.pk)
    kinds = list(
        TimelineEvent.objects.filter(customer=customer, kind__in=["stage", "grade"])
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["stage", "stage", "grade"]
    # signing a second contract changes nothing in the pipeline
    second = sc.contract_create(actor=sales1a, customer=customer, title="续约", items=[line("10")])
    sc.contract_submit(actor=sales1a, contract=second)
    assert StageMove.objects.filter(customer=customer).count() == 2
    assert TimelineEvent.objects.filter(customer=customer, kind__in=["stage", "grade"]).count() == 3


def test_rejected_or_withdrawn_approval_returns_to_draft(big, sales1a, manager):
    sc.contract_submit(actor=sales1a, contract=big)
    approval = Approval.objects.get(target="contract", target_id=big.pk)
    approvals.approval_decide(
        actor=manager, approval_id=approval.pk, approve=False, comment="价格太低"
    )
    big.refresh_from_db()
    assert big.status == S.DRAFT
    # resubmit, then withdraw
    sc.contract_submit(actor=sales1a, contract=big)
    assert Contract.objects.get(pk=big.pk).status == S.IN_APPROVAL
    approvals.approval_withdraw(actor=sales1a, target="contract", record_id=big.pk)
    big.refresh_from_db()
    assert big.status == S.DRAFT
    assert Prospect.objects.get(customer_id=big.customer_id).grade != Grade.E


def test_the_submitter_cannot_approve_their_own_contract(big, sales1a):
    sc.contract_submit(actor=sales1a, contract=big)
    approval = Approval.objects.get(target="contract", target_id=big.pk)
    with pytest.raises(PermissionDenied):
        approvals.approval_decide(actor=sales1a, approval_id=approval.pk, approve=True)
    assert Contract.objects.get(pk=big.pk).status == S.IN_APPROVAL


# ---------------------------------------------------------------- amendment


@pytest.fixture
def signed(draft, sales1a):
    sc.contract_submit(actor=sales1a, contract=draft)
    draft.refresh_from_db()
    return draft


def test_amend_needs_permission_and_reason(signed, sales1a, manager):
    with pytest.raises(PermissionDenied):
        sc.contract_amend(
            actor=sales1a, contract=signed, reason="x", data=sc.ContractHead(title="新")
        )
    with pytest.raises(ValidationFailed) as error:
        sc.contract_amend(
            actor=manager, contract=signed, reason="", data=sc.ContractHead(title="新")
        )
    assert "reason" in error.value.field_errors
    with pytest.raises(ValidationFailed):
        sc.contract_amend(actor=manager, contract=signed, reason="无变化", data=sc.ContractHead())
    signed.refresh_from_db()
    assert signed.title == "年度服务合同" and signed.amendment_count == 0
    assert not ContractAmendment.objects.exists()


def test_amend_records_diff_audit_and_new_total(signed, manager):
    item = signed.items.get()
    amendment = sc.contract_amend(
        actor=manager,
        contract=signed,
        reason="客户追加数量",
        data=sc.ContractHead(title="年度服务合同（补充）"),
        items=[
            line("5000", quantity="2", id=item.pk),
            line("300", description="培训"),
        ],
    )
    signed.refresh_from_db()
    assert signed.status == S.SIGNED
    assert signed.total_amount == Decimal("10300.00")
    assert signed.amendment_count == 1 and amendment.number == 1
    assert amendment.total_before == Decimal("5000.00")
    assert amendment.total_after == Decimal("10300.00")
    assert amendment.changes["title"] == ["年度服务合同", "年度服务合同（补充）"]
    assert amendment.changes["total_amount"] == ["5000.00", "10300.00"]
    assert len(amendment.changes["items"]["after"]) == 2
    assert signed.items.filter(pk=item.pk, quantity=2).exists()  # kept by id
    log = AuditLog.objects.get(action=sc.AUDIT_AMEND, target_id=str(signed.pk))
    assert log.detail["reason"] == "客户追加数量"
    assert log.actor == manager


def test_amend_total_never_below_paid(signed, manager):
    _force(signed, S.EXECUTING, paid_amount=Decimal("3000.00"))
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        sc.contract_amend(
            actor=manager,
            contract=signed,
            reason="降价",
            data=sc.ContractHead(),
            items=[line("2000")],
        )
    assert "already collected" in str(error.value.field_errors["items"][0])
    signed.refresh_from_db()
    assert signed.total_amount == Decimal("5000.00")
    assert signed.items.get().unit_price == Decimal("5000.00")


def test_amend_total_change_with_plan_needs_a_new_plan(signed, manager):
    # signed without a plan it has the instalment made on signing (which follows the
    # total); a plan the user gave does not follow it
    assert Instalment.objects.filter(contract=signed, on_signing=True).update(on_signing=False)
    with pytest.raises(ValidationFailed) as error:
        sc.contract_amend(
            actor=manager,
            contract=signed,
            reason="加价",
            data=sc.ContractHead(),
            items=[line("6000")],
        )
    assert "instalments" in error.value.field_errors
    signed.refresh_from_db()
    assert signed.total_amount == Decimal("5000.00")
    due = timezone.localdate().isoformat()
    sc.contract_amend(
        actor=manager,
        contract=signed,
        reason="加价",
        data=sc.ContractHead(),
        items=[line("6000")],
        instalments=[
            sc.InstalmentInput(due_on=due, amount="3000.00", notes=""),
            sc.InstalmentInput(due_on=due, amount="3000.00", notes=""),
        ],
    )
    signed.refresh_from_db()
    assert signed.total_amount == Decimal("6000.00")
    assert sum(i.amount for i in Instalment.objects.filter(contract=signed)) == Decimal("6000.00")
    amendment = ContractAmendment.objects.get(contract=signed)
    assert "instalments" in amendment.changes


@pytest.mark.parametrize("status", [S.DRAFT, S.IN_APPROVAL, S.COMPLETED, S.TERMINATED])
def test_amend_only_signed_or_executing(draft, manager, status):
    _force(draft, status)
    with pytest.raises(Conflict):
        sc.contract_amend(
            actor=manager, contract=draft, reason="x", data=sc.ContractHead(title="y")
        )
    assert Contract.objects.get(pk=draft.pk).title == "年度服务合同"


# ---------------------------------------------------------------- handover


def test_handover_moves_open_contracts_and_their_copies(customer, sales1a, sales1b, admin_user):
    from guanxi.customers.archive.services import customer_handover

    open_one = sc.contract_create(actor=sales1a, customer=customer, title="a", items=[line()])
    done = sc.contract_create(actor=sales1a, customer=customer, title="b", items=[line()])
    _force(done, S.COMPLETED)
    _force(open_one, S.SIGNED)
    Instalment.objects.create(
        contract=open_one,
        sequence=1,
        due_on=timezone.localdate(),
        amount=open_one.total_amount,
        customer_id=customer.pk,
        owner_id=sales1a.pk,
        department_id=sales1a.department_id,
        active=True,
    )
    customer_handover(actor=admin_user, from_user=sales1a, to_user=sales1b, reason="离职")
    open_one.refresh_from_db()
    done.refresh_from_db()
    assert open_one.owner_id == sales1b.pk
    assert Instalment.objects.get(contract=open_one).owner_id == sales1b.pk
    assert done.owner_id == sales1a.pk  # history stays with who signed it

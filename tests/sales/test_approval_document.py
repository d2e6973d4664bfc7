"""The approval page shows the document being judged (issue 12 §3, ORD-2): a contract's
customer, lines, discount, totals, payment plan and terms as submitted, and what changed
since the previous round; only to who may see the contract or took part in its approval."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.sales.approvals import services as approvals
from guanxi.sales.common.lines import LineInput
from guanxi.sales.contracts.selectors import contract_document, document_changes
from guanxi.sales.contracts.services import (
    ContractHead,
    InstalmentInput,
    contract_create,
    contract_submit,
    contract_update,
)
from guanxi.sales.models import Approval, ApprovalFlow, Contract
from guanxi.sales.receivables.services import instalments_set

pytestmark = pytest.mark.django_db

D = Decimal


def _line(quantity, price, discount="0", description="商城系统", tax="0.13"):
    return LineInput(
        product=None,
        description=description,
        unit="套",
        quantity=quantity,
        unit_price=price,
        discount_rate=discount,
        tax_rate=tax,
    )


def _plan(contract, *amounts):
    today = timezone.localdate()
    return instalments_set(
        actor=contract.owner,
        contract=contract,
        plan=[
            InstalmentInput(due_on=today + dt.timedelta(days=30 * (index + 1)), amount=D(amount))
            for index, amount in enumerate(amounts)
        ],
    )


@pytest.fixture
def discounted(sales1a, make_customer):
    """3 × ¥70,000 at 10 % off plus a ¥240 line: ¥189,240.00, in the manager's queue."""
    contract = contract_create(
        actor=sales1a,
        customer=make_customer(sales1a, name="杭州云帆科技"),
        title="商城建设合同",
        terms="验收后 30 天内付清尾款。",
        items=[_line("3", "70000.00", "0.10"), _line("2", "120.00", description="域名")],
    )
    _plan(contract, "100000.00", "89240.00")
    contract = contract_submit(actor=sales1a, contract=contract)
    assert contract.status == Contract.Status.IN_APPROVAL
    return contract


def _detail(client, contract):
    approval = Approval.objects.get(target="contract", target_id=contract.pk, state="pending")
    return client.get(reverse("sales:approval_detail", args=[approval.pk]))


def test_the_approver_sees_the_whole_contract(discounted, manager, client_for):
    response = _detail(client_for(manager), discounted)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="approval-document"' in html
    assert reverse("customers:detail", args=[discounted.customer_id]) in html
    assert "杭州云帆科技" in html
    for text in ("商城系统", "域名", "¥70,000.00", "10%", "¥21,000.00", "¥189,000.00"):
        assert text in html, text
    # totals: 210,240 before discount, 21,000 off (9.99 %), 189,240 in all
    assert "¥210,240.00" in html and "¥189,240.00" in html
    assert "9.99%" in html
    # the payment plan and the terms
    assert "¥100,000.00" in html and "¥89,240.00" in html
    assert "验收后 30 天内付清尾款。" in html
    assert 'id="approval-changes"' not in html  # the first round: nothing to compare


def test_the_snapshot_is_what_was_submitted(discounted):
    approval = Approval.objects.get(target="contract", target_id=discounted.pk)
    now = contract_document(contract_id=discounted.pk)
    assert {**approval.snapshot, "version": None} == {**now, "version": None}
    assert approval.snapshot["totals"]["total"] == "189240.00"
    assert [row["amount"] for row in approval.snapshot["plan"]] == ["100000.00", "89240.00"]


def test_a_resubmission_shows_what_changed_since_the_rejection(
    discounted, sales1a, manager, client_for
):
    first = Approval.objects.get(target="contract", target_id=discounted.pk)
    approvals.approval_decide(
        actor=manager, approval_id=first.pk, approve=False, comment="折扣太大"
    )
    contract = Contract.objects.get(pk=discounted.pk)
    contract = contract_update(
        actor=sales1a,
        contract=contract,
        version=contract.version,
        data=ContractHead(),
        items=[_line("3", "70000.00", "0.05"), _line("1", "500.00", description="培训")],
    )
    _plan(contract, "200000.00")
    contract = contract_submit(actor=sales1a, contract=contract)
    html = _detail(client_for(manager), contract).content.decode()
    assert 'id="approval-changes"' in html
    changes = html.split('id="approval-changes"', 1)[1]
    # the line re-priced (10 % → 5 %), one removed, one added, the totals and the plan
    assert "商城系统" in changes and "10%" in changes and "5%" in changes
    assert "折扣 10% = ¥189,000.00 → 3 × ¥70,000.00, 折扣 5% = ¥199,500.00" in changes
    assert "域名" in changes and "培训" in changes
    assert "¥189,240.00 → ¥200,000.00" in changes
    assert "¥89,240.00" in changes and "¥200,000.00" in changes


def test_document_changes_pairs_lines_and_reports_nothing_for_the_same_document(discounted):
    document = contract_document(contract_id=discounted.pk)
    assert not document_changes(before=document, after=document).any
    after = {**document, "items": document["items"][:1]}
    changes = document_changes(before=document, after=after)
    assert [line["description"] for line in changes.removed] == ["域名"]
    assert not changes.added and not changes.changed


@pytest.mark.parametrize(
    ("username", "sees"),
    [("manager", True), ("sales1a", True), ("sales1b", False), ("sales2a", False)],
)
def test_only_who_may_see_the_contract_sees_the_document(
    username, sees, discounted, org, client_for
):
    response = _detail(client_for(org[username]), discounted)
    assert response.status_code == (200 if sees else 404)
    assert ("商城系统" in response.content.decode()) is sees


def test_an_approver_outside_the_scope_sees_the_document_without_the_customer_link(
    admin_user, sales1a, sales2a, make_customer, client_for
):
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
    customer = make_customer(sales1a, name="外部门客户")
    contract = contract_create(
        actor=sales1a, customer=customer, title="跨部门合同", items=[_line("1", "10.00")]
    )
    contract = contract_submit(actor=sales1a, contract=contract)
    html = _detail(client_for(sales2a), contract).content.decode()
    assert "外部门客户" in html and "商城系统" in html
    assert reverse("customers:detail", args=[customer.pk]) not in html


def test_a_payment_under_approval_shows_its_key_fields_and_contract(
    admin_user, sales1a, manager, make_customer, client_for
):
    from tests.sales.factories import make_contract, pay, payment_flow_create

    payment_flow_create(admin_user)
    contract = make_contract(sales1a, make_customer(sales1a, name="回款客户"), total="9000.00")
    payment = pay(sales1a, contract, "2500.00", reference="BANK-778")
    approval = Approval.objects.get(target="payment", target_id=payment.pk, state="pending")
    html = (
        client_for(manager)
        .get(reverse("sales:approval_detail", args=[approval.pk]))
        .content.decode()
    )
    record = html.split('id="approval-record"', 1)[1]
    assert "¥2,500.00" in record and "BANK-778" in record
    assert contract.number in record and "回款客户" in record and "¥9,000.00" in record


def test_an_invoice_under_approval_shows_its_key_fields(
    admin_user, sales1a, manager, make_customer, client_for
):
    from django.utils import timezone as tz

    from guanxi.sales.receivables.services import invoice_record
    from tests.sales.factories import make_contract

    approvals.flow_create(
        actor=admin_user,
        data=approvals.FlowInput(
            name="开票审批",
            target="invoice",
            priority=1,
            steps=[{"kind": "direct_manager", "mode": "any"}],
        ),
    )
    contract = make_contract(sales1a, make_customer(sales1a, name="开票客户"), total="9000.00")
    invoice = invoice_record(
        actor=sales1a,
        contract=contract,
        number="FP-20260001",
        kind="normal",
        amount="1130.00",
        tax_rate="0.13",
        issued_on=tz.localdate(),
    )
    approval = Approval.objects.get(target="invoice", target_id=invoice.pk, state="pending")
    html = (
        client_for(manager)
        .get(reverse("sales:approval_detail", args=[approval.pk]))
        .content.decode()
    )
    record = html.split('id="approval-record"', 1)[1]
    for text in ("FP-20260001", "¥1,130.00", "¥1,000.00", "¥130.00", "13%", contract.number):
        assert text in record, text

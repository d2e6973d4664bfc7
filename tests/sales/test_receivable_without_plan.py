"""A contract signed without a payment plan is receivable in full on signing (issue 12 §3,
ORD-4): one instalment due on the signing date, in the receivables report, the ageing and
the overdue list, taking payments; the contract page's section header and summary agree."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.sales.approvals import services as approvals
from guanxi.sales.common.lines import LineInput
from guanxi.sales.contracts.services import InstalmentInput, contract_submit
from guanxi.sales.models import Approval, Contract, Instalment
from guanxi.sales.receivables import selectors
from guanxi.sales.receivables.services import instalments_set
from tests.sales.factories import make_contract, pay

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def signed_without_plan(sales1a, manager, make_customer):
    """¥210,240.00 without a plan, approved by the manager (the shipped flow)."""
    contract = make_contract(
        sales1a, make_customer(sales1a, name="无计划客户"), total="210240.00", plan=[], sign=False
    )
    contract = contract_submit(actor=sales1a, contract=contract)
    assert contract.status == Contract.Status.IN_APPROVAL
    approval = Approval.objects.get(target="contract", target_id=contract.pk)
    approvals.approval_decide(actor=manager, approval_id=approval.pk, approve=True)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED
    return contract


def test_signing_without_a_plan_makes_one_instalment_due_on_signing(signed_without_plan):
    (instalment,) = Instalment.objects.filter(contract=signed_without_plan)
    assert instalment.due_on == signed_without_plan.signed_on == timezone.localdate()
    assert instalment.amount == D("210240.00") and instalment.paid_amount == 0
    assert instalment.active and not instalment.settled
    assert (instalment.owner_id, instalment.customer_id) == (
        signed_without_plan.owner_id,
        signed_without_plan.customer_id,
    )


def test_a_contract_signed_with_a_plan_keeps_it(sales1a, make_customer):
    contract = make_contract(sales1a, make_customer(sales1a), total="9000.00")
    assert list(contract.instalments.values_list("amount", flat=True)) == [D("3000.00")] * 3


def test_it_is_in_the_receivables_report_and_the_ageing(signed_without_plan, manager, sales1a):
    for user in (manager, sales1a):
        rows = selectors.open_instalments(user=user).filter(contract=signed_without_plan)
        assert [row.amount for row in rows] == [D("210240.00")]
        assert selectors.ageing_summary(user=user)["total"] >= D("210240.00")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    count, _capped, rows = selectors.overdue_for_owner(user=sales1a, today=tomorrow)
    assert signed_without_plan.pk in {row.contract_id for row in rows} and count >= 1


def test_it_takes_a_payment_and_the_page_figures_agree(signed_without_plan, sales1a, client_for):
    client = client_for(sales1a)
    panel = client.get(reverse("sales:contract_receivables", args=[signed_without_plan.pk]))
    assert '<strong data-total="open">¥210,240.00</strong>' in panel.content.decode()
    detail = client.get(reverse("sales:contract_detail", args=[signed_without_plan.pk]))
    assert 'id="contract-outstanding">¥210,240.00<' in detail.content.decode()

    pay(sales1a, signed_without_plan, D("10240.00"))
    signed_without_plan.refresh_from_db()
    assert signed_without_plan.paid_amount == D("10240.00")
    assert Instalment.objects.get(contract=signed_without_plan).paid_amount == D("10240.00")
    panel = client.get(reverse("sales:contract_receivables", args=[signed_without_plan.pk]))
    assert '<strong data-total="open">¥200,000.00</strong>' in panel.content.decode()
    detail = client.get(reverse("sales:contract_detail", args=[signed_without_plan.pk]))
    assert 'id="contract-outstanding">¥200,000.00<' in detail.content.decode()


def test_a_plan_given_later_replaces_the_one_instalment(signed_without_plan, sales1a):
    today = timezone.localdate()
    instalments_set(
        actor=sales1a,
        contract=signed_without_plan,
        plan=[
            InstalmentInput(due_on=today, amount=D("110240.00")),
            InstalmentInput(due_on=today + dt.timedelta(days=60), amount=D("100000.00")),
        ],
    )
    amounts = list(signed_without_plan.instalments.values_list("amount", flat=True))
    assert amounts == [D("110240.00"), D("100000.00")]


def test_an_amendment_moves_the_instalment_made_on_signing_with_the_total(
    signed_without_plan, manager
):
    from guanxi.sales.contracts.services import ContractHead, contract_amend

    item = signed_without_plan.items.get()
    contract_amend(
        actor=manager,
        contract=signed_without_plan,
        reason="客户追加",
        data=ContractHead(),
        items=[
            LineInput(
                id=item.pk,
                product=None,
                description=item.description,
                unit=item.unit,
                quantity="1",
                unit_price="220000.00",
                discount_rate="0",
                tax_rate=str(item.tax_rate),
            )
        ],
    )
    signed_without_plan.refresh_from_db()
    assert signed_without_plan.total_amount == D("220000.00")
    (instalment,) = signed_without_plan.instalments.all()
    assert instalment.amount == D("220000.00") and instalment.on_signing

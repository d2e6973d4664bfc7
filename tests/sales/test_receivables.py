"""Instalment plans, payments, invoices (ORD-4, ORD-5): the services' rules. Every refusal
has a clear message and writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from guanxi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.customers.models import TimelineEvent
from guanxi.sales.approvals import services as approvals
from guanxi.sales.approvals.selectors import pending_approval
from guanxi.sales.contracts.services import InstalmentInput, contract_submit
from guanxi.sales.models import Contract, Instalment, Invoice, Payment, PaymentAllocation
from guanxi.sales.receivables import services
from tests.sales.factories import make_contract, pay, payment_flow_create
from tests.sales.support import check_invariants, money_state

pytestmark = pytest.mark.django_db

D = Decimal


def message_of(exc) -> str:
    return " ".join(
        [str(exc.value.message)]
        + [str(m) for msgs in exc.value.field_errors.values() for m in msgs]
    )


@pytest.fixture
def contract(sales1a, make_customer):
    return make_contract(sales1a, make_customer(sales1a, name="华东贸易"))


# ---------------------------------------------------------------- plans


def test_plan_must_add_up_exactly(sales1a, make_customer):
    contract = make_contract(sales1a, make_customer(sales1a), plan=[], sign=False)
    today = timezone.localdate()
    before = money_state(contract)
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        services.instalments_set(
            actor=sales1a,
            contract=contract,
            plan=[
                InstalmentInput(due_on=today, amount="4000"),
                InstalmentInput(due_on=today, amount="4999.99"),
            ],
        )
    assert "add up to ¥8,999.99" in message_of(refused)
    assert "¥9,000.00" in message_of(refused)
    assert money_state(contract) == before
    rows = services.instalments_set(
        actor=sales1a,
        contract=contract,
        plan=[
            InstalmentInput(due_on=today, amount="4000", notes="首付"),
            InstalmentInput(due_on=today + dt.timedelta(days=1), amount="5000.00"),
        ],
    )
    assert [(r.sequence, r.amount, r.notes) for r in rows] == [
        (1, D("4000"), "首付"),
        (2, D("5000"), ""),
    ]
    inst = Instalment.objects.get(contract=contract, sequence=1)
    assert (inst.owner_id, inst.department_id, inst.customer_id, inst.active) == (
        contract.owner_id,
        contract.department_id,
        contract.customer_id,
        False,
    )
    signed = contract_submit(actor=sales1a, contract=contract)
    assert signed.status == Contract.Status.SIGNED
    assert set(Instalment.objects.filter(contract=contract).values_list("active", flat=True)) == {
        True
    }


@pytest.mark.parametrize(
    ("plan", "field", "message"),
    [
        (
            [
                InstalmentInput(due_on="2026-01-01", amount="0"),
                InstalmentInput(due_on="2026-02-01", amount="9000"),
            ],
            "plan.0.amount",
            "greater than zero",
        ),
        (
            [
                InstalmentInput(due_on="2026-01-01", amount="-1"),
                InstalmentInput(due_on="2026-02-01", amount="9001"),
            ],
            "plan.0.amount",
            "greater than zero",
        ),
        (
            [
                InstalmentInput(due_on="2026-01-01", amount="8999.999"),
                InstalmentInput(due_on="2026-02-01", amount="0.001"),
            ],
            "plan.0.amount",
            "two decimals",
        ),
        (
            [
                InstalmentInput(due_on="2026-02-01", amount="4500"),
                InstalmentInput(due_on="2026-01-01", amount="4500"),
            ],
            "plan.1.due_on",
            "due before",
        ),
        ([InstalmentInput(due_on="soon", amount="9000")], "plan.0.due_on", "Enter a date"),
        ([InstalmentInput(due_on="2026-01-01", amount="abc")], "plan.0.amount", "Enter an amount"),
        ([InstalmentInput(due_on="2026-01-01", amount=9000.0)], "plan.0.amount", "Enter an amount"),
        ([], "plan", "add up to ¥0.00"),
    ],
)
def test_bad_plans_refused_per_row(sales1a, make_customer, plan, field, message):
    contract = make_contract(sales1a, make_customer(sales1a), sign=False)
    before = money_state(contract)
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        services.instalments_set(actor=sales1a, contract=contract, plan=plan)
    assert field in refused.value.field_errors
    assert message in " ".join(str(m) for m in refused.value.field_errors[field])
    assert money_state(contract) == before


def test_plan_change_after_signing_keeps_paid_instalments(sales1a, contract):
    first, second, third = Instalment.objects.filter(contract=contract).order_by("sequence")
    pay(sales1a, contract, "3500.00")  # first paid, second partly
    today = timezone.localdate()
    before = money_state(contract)
    # dropping or changing an instalment that received money is refused
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        services.instalments_set(
            actor=sales1a,
            contract=contract,
            plan=[
                InstalmentInput(due_on=first.due_on, amount="3000.00"),
                InstalmentInput(due_on=second.due_on, amount="6000.00"),
            ],
        )
    assert "Instalment 2" in message_of(refused) and "has received ¥500.00" in message_of(refused)
    assert money_state(contract) == before
    # keeping them as they are and re-planning the rest works
    services.instalments_set(
        actor=sales1a,
        contract=contract,
        plan=[
            InstalmentInput(due_on=first.due_on, amount="3000.00"),
            InstalmentInput(due_on=second.due_on, amount="3000.00", notes="已部分回款"),
            InstalmentInput(due_on=today + dt.timedelta(days=40), amount="1000.00"),
            InstalmentInput(due_on=today + dt.timedelta(days=70), amount="2000.00"),
        ],
    )
    rows = list(Instalment.objects.filter(contract=contract).order_by("sequence"))
    assert [r.sequence for r in rows] == [1, 2, 3, 4]
    assert rows[0].pk == first.pk and rows[1].pk == second.pk  # payments stay attached
    assert rows[1].notes == "已部分回款" and rows[1].paid_amount == D("500.00")
    assert not Instalment.objects.filter(pk=third.pk).exists()
    assert all(r.active for r in rows)
    assert AuditLog.objects.filter(action="instalments_set", target_id=str(contract.pk)).exists()
    check_invariants(contract)


def test_plan_refused_in_approval_and_after_completion(sales1a, make_customer):
    contract = make_contract(sales1a, make_customer(sales1a), sign=False)
    plan = [InstalmentInput(due_on=timezone.localdate(), amount="9000.00")]
    for status in (
        Contract.Status.IN_APPROVAL,
        Contract.Status.COMPLETED,
        Contract.Status.TERMINATED,
    ):
        Contract.objects.filter(pk=contract.pk).update(status=status)
        before = money_state(contract)
        with translation.override("en"), pytest.raises(ValidationFailed) as refused:
            services.instalments_set(actor=sales1a, contract=contract, plan=plan)
        assert "Not possible while the contract is" in message_of(refused)
        assert money_state(contract) == before


def test_propose_plan_splits_exactly():
    plan = services.propose_plan(
        total=D("100.00"), parts=3, first_due_on=dt.date(2026, 1, 31), months_apart=1
    )
    assert [p.amount for p in plan] == [D("33.34"), D("33.33"), D("33.33")]
    assert [p.due_on for p in plan] == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
    ]


# ---------------------------------------------------------------- payments


def test_payment_oldest_first_partial_and_executing(sales1a, contract):
    payment = pay(sales1a, contract, "4000.00")
    assert payment.status == Payment.Status.CONFIRMED
    rows = list(Instalment.objects.filter(contract=contract).order_by("sequence"))
    assert [(r.paid_amount, r.settled) for r in rows] == [
        (D("3000.00"), True),
        (D("1000.00"), False),
        (D("0.00"), False),
    ]
    assert [(a.instalment.sequence, a.amount) for a in payment.allocations.order_by("id")] == [
        (1, D("3000.00")),
        (2, D("1000.00")),
    ]
    contract.refresh_from_db()
    assert contract.paid_amount == D("4000.00")
    assert contract.status == Contract.Status.EXECUTING  # the first payment starts execution
    assert Instalment.objects.filter(contract=contract, active=True).count() == 3
    check_invariants(contract)


def test_payment_to_a_named_instalment_first(sales1a, contract):
    third = Instalment.objects.get(contract=contract, sequence=3)
    payment = pay(sales1a, contract, "3500.00", instalment=third)
    allocations = {a.instalment.sequence: a.amount for a in payment.allocations.all()}
    assert allocations == {3: D("3000.00"), 1: D("500.00")}
    check_invariants(contract)


def test_overpayment_refused_unless_accepted(sales1a, contract):
    pay(sales1a, contract, "8000.00")
    before = money_state(contract)
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        pay(sales1a, contract, "1500.00")
    assert "¥500.00 more than the contract still has open (¥1,000.00)" in message_of(refused)
    assert "amount" in refused.value.field_errors
    assert money_state(contract) == before
    payment = pay(sales1a, contract, "1500.00", accept_overpayment=True)
    assert payment.unallocated_amount == D("500.00") and payment.overpayment_accepted
    contract.refresh_from_db()
    assert contract.paid_amount == D("9500.00")
    assert not Instalment.objects.filter(contract=contract, settled=False).exists()
    check_invariants(contract)
    # nothing open: a further payment is entirely an over-payment, and only if accepted
    with pytest.raises(ValidationFailed):
        pay(sales1a, contract, "1.00")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"amount": "0"}, "amount", "greater than zero"),
        ({"amount": "-5"}, "amount", "greater than zero"),
        ({"amount": "1.005"}, "amount", "two decimals"),
        ({"amount": 10.5}, "amount", "Enter an amount"),
        ({"amount": "1" + "0" * 20}, "amount", "too large"),
        ({"amount": "1e20"}, "amount", "Enter an amount"),
        ({"amount": "1,5"}, "amount", "Enter an amount"),
        ({"amount": "1_000"}, "amount", "Enter an amount"),
        ({"amount": "10", "method": "bitcoin"}, "method", "how the money was paid"),
        ({"amount": "10", "received_on": "2999-01-01"}, "received_on", "future"),
        ({"amount": "10", "received_on": "yesterday"}, "received_on", "Enter a date"),
        ({"amount": "10", "reference": "x" * 81}, "reference", "At most 80"),
        ({"amount": "10", "instalment": 987654321}, "instalment", "instalment of this contract"),
    ],
)
def test_bad_payments_refused(sales1a, contract, kwargs, field, message):
    before = money_state(contract)
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        pay(sales1a, contract, **kwargs)
    assert message in " ".join(str(m) for m in refused.value.field_errors.get(field, [])), (
        refused.value.field_errors
    )
    assert money_state(contract) == before


def test_payment_on_a_settled_or_foreign_instalment_refused(sales1a, contract, make_customer):
    first = Instalment.objects.get(contract=contract, sequence=1)
    pay(sales1a, contract, "3000.00", instalment=first)
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        pay(sales1a, contract, "10.00", instalment=first)
    assert "already paid in full" in message_of(refused)
    other = make_contract(sales1a, make_customer(sales1a, name="另一家"))
    foreign = Instalment.objects.filter(contract=other).first()
    with pytest.raises(ValidationFailed):
        pay(sales1a, contract, "10.00", instalment=foreign)


@pytest.mark.parametrize(
    "status",
    [
        Contract.Status.DRAFT,
        Contract.Status.IN_APPROVAL,
        Contract.Status.COMPLETED,
        Contract.Status.TERMINATED,
    ],
)
def test_payment_refused_unless_signed_or_executing(sales1a, contract, status):
    Contract.objects.filter(pk=contract.pk).update(status=status)
    before = money_state(contract)
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        pay(sales1a, contract, "100.00")
    assert "Not possible while the contract is" in message_of(refused)
    assert "Signed" in message_of(refused)
    assert money_state(contract) == before


def test_a_contract_signed_without_a_plan_takes_a_payment(sales1a, make_customer):
    # issue 12 §3: receivable in full on signing (one instalment), so it can be paid
    contract = make_contract(sales1a, make_customer(sales1a), plan=[])
    pay(sales1a, contract, "100.00")
    contract.refresh_from_db()
    assert contract.paid_amount == Decimal("100.00")
    assert [i.paid_amount for i in contract.instalments.all()] == [Decimal("100.00")]


def test_out_of_scope_actor_changes_nothing(sales1b, sales2a, contract):
    before = money_state(contract)
    for outsider in (sales1b, sales2a):
        with pytest.raises(NotFound):
            pay(outsider, contract, "100.00")
        with pytest.raises(NotFound):
            services.instalments_set(
                actor=outsider,
                contract=contract,
                plan=[InstalmentInput(due_on=timezone.localdate(), amount="9000.00")],
            )
        with pytest.raises(NotFound):
            services.invoice_record(
                actor=outsider,
                contract=contract,
                number="X1",
                kind="normal",
                amount="10",
                tax_rate="0.13",
                issued_on=timezone.localdate(),
            )
    assert money_state(contract) == before


def test_manager_records_for_the_team(manager, contract):
    payment = pay(manager, contract, "100.00")
    assert payment.recorded_by == manager and payment.owner_id == contract.owner_id


# ---------------------------------------------------------------- idempotency


def test_idempotent_retry_returns_the_first_payment(sales1a, sales1b, contract):
    args = {"amount": "100.00", "received_on": timezone.localdate(), "method": "transfer"}
    first, created = services.payment_record(
        actor=sales1a, contract=contract, idempotency_key="k-1", **args
    )
    again, created_again = services.payment_record(
        actor=sales1a, contract=contract, idempotency_key="k-1", **{**args, "amount": "100"}
    )
    assert created and not created_again and again.pk == first.pk
    assert Payment.objects.filter(contract=contract).count() == 1
    contract.refresh_from_db()
    assert contract.paid_amount == D("100.00")
    with translation.override("en"), pytest.raises(Conflict) as refused:
        services.payment_record(
            actor=sales1a, contract=contract, idempotency_key="k-1", **{**args, "amount": "200"}
        )
    assert "already used for a different payment" in str(refused.value.message)
    assert Payment.objects.filter(contract=contract).count() == 1
    # keys are per user: the same key from someone else is another payment
    Contract.objects.filter(pk=contract.pk).update(owner=sales1b)
    _other, created_other = services.payment_record(
        actor=sales1b, contract=contract, idempotency_key="k-1", **args
    )
    assert created_other
    # a replay after the contract moved on still answers the first payment
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.COMPLETED, owner=sales1a)
    replay, created = services.payment_record(
        actor=sales1a, contract=contract, idempotency_key="k-1", **args
    )
    assert replay.pk == first.pk and not created


# ---------------------------------------------------------------- void


def test_void_reverses_allocations_and_is_audited(admin_user, sales1a, contract):
    payment = pay(sales1a, contract, "4000.00")
    with translation.override("en"), pytest.raises(PermissionDenied):
        services.payment_void(actor=sales1a, payment=payment, reason="录错")
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        services.payment_void(actor=admin_user, payment=payment, reason="  ")
    assert "reason" in refused.value.field_errors
    services.payment_void(actor=admin_user, payment=payment, reason="金额录错")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.VOIDED and payment.void_reason == "金额录错"
    assert payment.voided_by == admin_user
    assert not PaymentAllocation.objects.filter(payment=payment).exists()
    assert set(
        Instalment.objects.filter(contract=contract).values_list("paid_amount", "settled")
    ) == {(D("0.00"), False)}
    contract.refresh_from_db()
    assert contract.paid_amount == D("0.00")
    entry = AuditLog.objects.get(action="payment_void", target_id=str(payment.pk))
    assert entry.detail["reason"] == "金额录错" and entry.actor == admin_user
    with translation.override("en"), pytest.raises(ValidationFailed) as again:
        services.payment_void(actor=admin_user, payment=payment, reason="再来")
    assert "Only a confirmed payment" in message_of(again)
    check_invariants(contract)


def test_void_of_an_overpayment(admin_user, sales1a, contract):
    pay(sales1a, contract, "9000.00")
    over = pay(sales1a, contract, "50.00", accept_overpayment=True)
    services.payment_void(actor=admin_user, payment=over, reason="重复录入")
    contract.refresh_from_db()
    assert contract.paid_amount == D("9000.00")
    check_invariants(contract)


# ---------------------------------------------------------------- approval of payments


@pytest.fixture
def payment_flow(admin_user):
    return payment_flow_create(admin_user)


def test_payment_waits_for_approval_then_applies(
    admin_user, sales1a, manager, contract, payment_flow
):
    small = pay(sales1a, contract, "999.00")
    assert small.status == Payment.Status.CONFIRMED
    second = Instalment.objects.get(contract=contract, sequence=2)
    big = pay(sales1a, contract, "2500.00", instalment=second)
    assert big.status == Payment.Status.PENDING
    assert not big.allocations.exists()
    contract.refresh_from_db()
    assert contract.paid_amount == D("999.00")
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        services.payment_void(actor=admin_user, payment=big, reason="x")
    assert "awaiting approval" in message_of(refused)
    approval = pending_approval(target="payment", record_id=big.pk)
    approvals.approval_decide(actor=manager, approval_id=approval.pk, approve=True, comment="ok")
    big.refresh_from_db()
    assert big.status == Payment.Status.CONFIRMED
    assert {a.instalment.sequence: a.amount for a in big.allocations.all()} == {2: D("2500.00")}
    contract.refresh_from_db()
    assert contract.paid_amount == D("3499.00")
    check_invariants(contract)


def test_pending_payments_count_against_the_open_amount(sales1a, contract, payment_flow):
    pay(sales1a, contract, "6000.00")  # pending
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        pay(sales1a, contract, "5000.00")
    assert "after payments awaiting approval" in message_of(refused)


def test_rejected_and_withdrawn_payments_never_count(sales1a, manager, contract, payment_flow):
    rejected = pay(sales1a, contract, "2000.00")
    approval = pending_approval(target="payment", record_id=rejected.pk)
    approvals.approval_decide(
        actor=manager, approval_id=approval.pk, approve=False, comment="查无此款"
    )
    rejected.refresh_from_db()
    assert rejected.status == Payment.Status.REJECTED
    withdrawn = pay(sales1a, contract, "2000.00", reference="B2")
    approvals.approval_withdraw(actor=sales1a, target="payment", record_id=withdrawn.pk)
    withdrawn.refresh_from_db()
    assert withdrawn.status == Payment.Status.VOIDED
    contract.refresh_from_db()
    assert contract.paid_amount == D("0.00")
    check_invariants(contract)


# ---------------------------------------------------------------- invoices


def invoice(actor, contract, amount, *, number="0001", kind="normal", **kwargs):
    return services.invoice_record(
        actor=actor,
        contract=contract,
        number=number,
        kind=kind,
        amount=amount,
        tax_rate=kwargs.pop("tax_rate", "0.13"),
        issued_on=kwargs.pop("issued_on", timezone.localdate()),
        **kwargs,
    )


def test_invoice_splits_tax_and_counts(sales1a, contract):
    inv = invoice(sales1a, contract, "1130.00", kind="special")
    assert (inv.net_amount, inv.tax_amount, inv.status) == (D("1000.00"), D("130.00"), "issued")
    contract.refresh_from_db()
    assert contract.invoiced_amount == D("1130.00")
    # the same number is fine for the other kind, refused for the same kind
    invoice(sales1a, contract, "10.00", kind="normal")
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        invoice(sales1a, contract, "10.00", kind="special")
    assert "this number exists" in message_of(refused)
    check_invariants(contract)


def test_invoicing_beyond_the_total_needs_a_recorded_override(sales1a, manager, contract):
    invoice(sales1a, contract, "8000.00", number="A1")
    before = money_state(contract)
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        invoice(sales1a, contract, "1000.01", number="A2")
    assert "at most ¥1,000.00 can still be invoiced" in message_of(refused)
    with translation.override("en"), pytest.raises(PermissionDenied):
        invoice(sales1a, contract, "1000.01", number="A2", override_reason="客户要求")
    assert money_state(contract) == before
    invoice(sales1a, contract, "1000.00", number="A2")  # exactly the total is fine
    over = invoice(manager, contract, "0.01", number="A3", override_reason="尾差")
    assert over.over_invoice_override and over.override_by == manager
    assert over.override_reason == "尾差"
    assert AuditLog.objects.filter(action="invoice_override", target_id=str(over.pk)).exists()
    contract.refresh_from_db()
    assert contract.invoiced_amount == D("9000.01")
    check_invariants(contract)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "10", "number": " "}, "number"),
        ({"amount": "10", "kind": "fancy"}, "kind"),
        ({"amount": "10", "tax_rate": "13"}, "tax_rate"),
        ({"amount": "10", "tax_rate": "0.123456"}, "tax_rate"),
        ({"amount": "10", "issued_on": "2999-01-01"}, "issued_on"),
        ({"amount": "10", "payment": 987654321}, "payment"),
    ],
)
def test_bad_invoices_refused(sales1a, contract, kwargs, field):
    before = money_state(contract)
    with pytest.raises(ValidationFailed) as refused:
        invoice(sales1a, contract, **kwargs)
    assert field in refused.value.field_errors
    assert money_state(contract) == before


def test_invoice_refused_on_draft_and_void_is_audited(admin_user, sales1a, make_customer):
    draft = make_contract(sales1a, make_customer(sales1a), sign=False)
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        invoice(sales1a, draft, "10.00")
    assert "Not possible while the contract is Draft" in message_of(refused)
    contract = make_contract(sales1a, make_customer(sales1a, name="开票客户"))
    inv = invoice(sales1a, contract, "500.00")
    with pytest.raises(PermissionDenied):
        services.invoice_void(actor=sales1a, invoice=inv, reason="开错")
    services.invoice_void(actor=admin_user, invoice=inv, reason="开错")
    inv.refresh_from_db()
    assert inv.status == Invoice.Status.VOIDED
    contract.refresh_from_db()
    assert contract.invoiced_amount == D("0.00")
    assert AuditLog.objects.filter(action="invoice_void", target_id=str(inv.pk)).exists()
    # a voided invoice frees its number? no: numbers stay unique per kind
    with pytest.raises(ValidationFailed):
        invoice(sales1a, contract, "500.00")


def test_invoice_approval(admin_user, sales1a, manager, contract):
    approvals.flow_create(
        actor=admin_user,
        data=approvals.FlowInput(
            name="开票审批",
            target="invoice",
            priority=1,
            steps=[{"kind": "direct_manager", "mode": "any"}],
        ),
    )
    inv = invoice(sales1a, contract, "5000.00")
    assert inv.status == Invoice.Status.PENDING
    # pending invoices count against the total
    with pytest.raises(ValidationFailed):
        invoice(sales1a, contract, "4000.01", number="0002")
    contract.refresh_from_db()
    assert contract.invoiced_amount == D("0.00")
    approval = pending_approval(target="invoice", record_id=inv.pk)
    approvals.approval_decide(actor=manager, approval_id=approval.pk, approve=True)
    inv.refresh_from_db()
    contract.refresh_from_db()
    assert inv.status == Invoice.Status.ISSUED and contract.invoiced_amount == D("5000.00")


# ---------------------------------------------------------------- overdue reminders


def test_overdue_reminder_task_is_idempotent(sales1a, contract):
    from guanxi.sales.receivables.tasks import remind_overdue_instalments

    overdue = Instalment.objects.get(contract=contract, sequence=1)
    result = remind_overdue_instalments.enqueue()
    assert result.return_value == {"reminded": 1}
    overdue.refresh_from_db()
    assert overdue.reminded_at is not None
    events = TimelineEvent.objects.filter(customer=contract.customer, kind="instalment_overdue")
    assert events.count() == 1
    assert contract.number in events.get().title
    assert services.overdue_reminders_run() == {"reminded": 0}
    assert services.overdue_reminders_run(today=timezone.localdate() + dt.timedelta(days=1)) == {
        "reminded": 1  # the second instalment is due today: overdue tomorrow
    }
    assert events.count() == 2

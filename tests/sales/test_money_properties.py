"""Money never drifts (issue 4, reliability): property-based tests (hypothesis) that line and
document totals, tax, discounts, instalment splits, allocations of payments, paid/remaining
and invoiced amounts always agree to the fen — first on the pure arithmetic of
`guanxi.sales.common.money`, then through the services on the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guanxi.core.errors import Conflict, ValidationFailed
from guanxi.sales.common import money
from guanxi.sales.common.lines import LineInput
from guanxi.sales.contracts.services import contract_create, contract_submit
from guanxi.sales.models import Contract, ContractItem, Instalment, Invoice, Payment
from guanxi.sales.receivables import services as receivables
from tests.sales.support import check_invariants

D = Decimal
FEN = D("0.01")

quantities = st.decimals(min_value=D("0.001"), max_value=D("100000"), places=3)
prices = st.decimals(min_value=D("0"), max_value=D("1000000"), places=2)
discount_rates = st.decimals(min_value=D("0"), max_value=D("1"), places=4)
tax_rates = st.sampled_from([D("0"), D("0.01"), D("0.03"), D("0.06"), D("0.09"), D("0.13")])
amounts = st.decimals(min_value=D("0.01"), max_value=D("100000000"), places=2)

DB_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def is_fen(value: Decimal) -> bool:
    return value == value.quantize(FEN)


# ---------------------------------------------------------------- pure arithmetic


@given(quantity=quantities, price=prices, discount=discount_rates, tax=tax_rates)
def test_a_line_adds_up(quantity, price, discount, tax):
    line = money.line_amounts(
        quantity=quantity, unit_price=price, discount_rate=discount, tax_rate=tax
    )
    for value in (line.gross, line.discount, line.total, line.net, line.tax):
        assert is_fen(value)
        assert value >= 0
    assert line.total == line.gross - line.discount
    assert line.net + line.tax == line.total
    assert line.discount <= line.gross
    assert abs(line.gross - quantity * price) <= D("0.005")
    # the tax is the rate's share of the net amount, to within the rounding of one fen
    assert abs(line.tax - line.net * tax) <= D("0.01") * (1 + tax)


@given(
    lines=st.lists(
        st.tuples(quantities, prices, discount_rates, tax_rates), min_size=1, max_size=12
    )
)
def test_a_document_is_the_sum_of_its_printed_lines(lines):
    computed = [
        money.line_amounts(quantity=q, unit_price=p, discount_rate=d, tax_rate=t)
        for q, p, d, t in lines
    ]
    totals = money.document_totals(computed)
    assert totals.total == sum((line.total for line in computed), D(0))
    assert totals.net == sum((line.net for line in computed), D(0))
    assert totals.tax == sum((line.tax for line in computed), D(0))
    assert totals.net + totals.tax == totals.total
    assert totals.gross - totals.discount == totals.total


@given(total=amounts, parts=st.integers(min_value=1, max_value=36))
def test_equal_instalments_add_up_exactly(total, parts):
    split = money.split_evenly(total, parts)
    assert len(split) == parts
    assert sum(split, D(0)) == total
    assert all(is_fen(part) and part >= 0 for part in split)
    assert max(split) - min(split) <= FEN


@given(
    total=st.decimals(min_value=D("0"), max_value=D("100000000"), places=2),
    ratios=st.lists(
        st.decimals(min_value=D("0"), max_value=D("100"), places=2), min_size=1, max_size=12
    ).filter(lambda ratios: sum(ratios) > 0),
)
def test_instalments_by_ratio_add_up_and_are_never_negative(total, ratios):
    split = money.split_by_ratios(total, ratios)
    assert len(split) == len(ratios)
    assert sum(split, D(0)) == total
    whole = sum(ratios)
    for part, ratio in zip(split, ratios, strict=True):
        assert is_fen(part) and part >= 0
        assert abs(part - total * ratio / whole) < FEN  # within one fen of the exact share


def test_ratios_that_used_to_go_negative():
    # five parts of 3 fen: each exact share is 0.6 fen; rounding every one up used to leave
    # the last part at −1 fen
    split = money.split_by_ratios(D("0.03"), [1, 1, 1, 1, 1])
    assert sum(split) == D("0.03")
    assert min(split) == D("0.00")


@given(
    amount=amounts,
    open_amounts=st.lists(
        st.decimals(min_value=D("0"), max_value=D("1000000"), places=2), max_size=10
    ),
)
def test_a_payment_is_spread_oldest_first_without_losing_a_fen(amount, open_amounts):
    applied, left = money.allocate_oldest_first(amount, open_amounts)
    assert sum(applied, D(0)) + left == amount
    assert left >= 0
    for take, open_amount in zip(applied, open_amounts, strict=True):
        assert 0 <= take <= open_amount
    # oldest first: an instalment is left partly open only if nothing went to later ones
    for index, (take, open_amount) in enumerate(zip(applied, open_amounts, strict=True)):
        if take < open_amount:
            assert all(later == 0 for later in applied[index + 1 :])
            assert left == 0


@given(total=amounts, tax=tax_rates)
def test_invoice_tax_split(total, tax):
    net, tax_amount = money.tax_of_total(total, tax)
    assert net + tax_amount == total
    assert is_fen(net) and is_fen(tax_amount) and tax_amount >= 0


def test_floats_are_refused():
    with pytest.raises(TypeError):
        money.fen(0.1)
    with pytest.raises(TypeError):
        money.line_amounts(quantity=1, unit_price=0.1)


# ---------------------------------------------------------------- through the services


@pytest.mark.django_db
@DB_SETTINGS
@given(
    lines=st.lists(
        st.tuples(
            st.decimals(min_value=D("0.001"), max_value=D("500"), places=3),
            st.decimals(min_value=D("0.01"), max_value=D("50000"), places=2),
            st.decimals(min_value=D("0"), max_value=D("0.5"), places=4),
            tax_rates,
        ),
        min_size=1,
        max_size=6,
    ),
    parts=st.integers(min_value=1, max_value=6),
)
def test_stored_contract_totals_are_the_sums_of_the_stored_lines(
    sales1a, make_customer, lines, parts
):
    customer = make_customer(sales1a, name="性质测试")
    with transaction.atomic():
        contract = contract_create(
            actor=sales1a,
            customer=customer,
            title="性质测试合同",
            items=[
                LineInput(
                    product=None,
                    description=f"第{index}项",
                    unit="件",
                    quantity=str(q),
                    unit_price=str(p),
                    discount_rate=str(d),
                    tax_rate=str(t),
                )
                for index, (q, p, d, t) in enumerate(lines)
            ],
        )
        contract.refresh_from_db()
        items = list(ContractItem.objects.filter(contract=contract))
        assert contract.total_amount == sum((i.total_amount for i in items), D(0))
        assert contract.net_amount + contract.tax_amount == contract.total_amount
        assert contract.gross_amount - contract.discount_amount == contract.total_amount
        for item, (q, p, d, t) in zip(sorted(items, key=lambda i: i.pk), lines, strict=True):
            expected = money.line_amounts(quantity=q, unit_price=p, discount_rate=d, tax_rate=t)
            assert item.total_amount == expected.total
        if contract.total_amount > 0:
            parts = min(parts, int(contract.total_amount * 100))  # no instalment of ¥0.00
            plan = receivables.propose_plan(
                total=contract.total_amount, parts=parts, first_due_on=timezone.localdate()
            )
            receivables.instalments_set(actor=sales1a, contract=contract, plan=plan)
            stored = Instalment.objects.filter(contract=contract)
            assert sum((i.amount for i in stored), D(0)) == contract.total_amount
        transaction.set_rollback(True)


@pytest.mark.django_db
@DB_SETTINGS
@given(
    # below the shipped contract flow's ¥100,000, so submitting signs at once
    total=st.decimals(min_value=D("1.00"), max_value=D("99999.99"), places=2),
    parts=st.integers(min_value=1, max_value=5),
    actions=st.lists(
        st.tuples(
            st.sampled_from(["pay", "pay", "pay_over", "invoice", "invoice_over", "void"]),
            # a fraction of the contract total: the edges often, anything in between too
            st.one_of(
                st.sampled_from([D("-0.1"), D("0"), D("0.25"), D("0.5"), D("1"), D("1.1")]),
                st.decimals(min_value=D("-1"), max_value=D("1.2"), places=4),
            ),
        ),
        min_size=1,
        max_size=10,
    ),
)
def test_any_sequence_of_payments_and_invoices_keeps_every_sum_right(
    sales1a, admin_user, make_customer, total, parts, actions
):
    """Random payments (some too big, some negative, some accepted over-payments), invoices
    (some beyond the total, some with a recorded override) and voids: refused ones change
    nothing; afterwards paid = Σ confirmed payments = Σ allocations + over-payments,
    remaining = total − paid per instalment and contract, invoiced = Σ issued invoices and
    never above the total unless an override was recorded."""
    customer = make_customer(sales1a, name="回款性质")
    today = timezone.localdate()
    with transaction.atomic():
        contract = contract_create(
            actor=sales1a,
            customer=customer,
            title="回款性质合同",
            items=[
                LineInput(
                    product=None,
                    description="服务",
                    unit="项",
                    quantity="1",
                    unit_price=str(total),
                    discount_rate="0",
                    tax_rate="0.06",
                )
            ],
        )
        plan = receivables.propose_plan(
            total=total, parts=parts, first_due_on=today - dt.timedelta(days=40)
        )
        receivables.instalments_set(actor=sales1a, contract=contract, plan=plan)
        contract = contract_submit(actor=sales1a, contract=contract)
        assert contract.status == Contract.Status.SIGNED
        overrides = 0
        for number, (action, fraction) in enumerate(actions):
            amount = money.fen(total * fraction)
            contract.refresh_from_db()
            open_before = contract.total_amount - contract.paid_amount
            invoiced_before = contract.invoiced_amount
            try:
                if action in ("pay", "pay_over"):
                    receivables.payment_record(
                        actor=sales1a,
                        contract=contract,
                        amount=amount,
                        received_on=today,
                        method=Payment.Method.TRANSFER,
                        accept_overpayment=action == "pay_over",
                    )
                    assert amount > 0
                    assert action == "pay_over" or amount <= open_before
                elif action in ("invoice", "invoice_over"):
                    receivables.invoice_record(
                        actor=admin_user,  # may override (sales.invoice_override)
                        contract=contract,
                        number=f"{number:08d}",
                        kind=Invoice.Kind.NORMAL,
                        amount=amount,
                        tax_rate=D("0.06"),
                        issued_on=today,
                        override_reason="客户要求按实际到账金额开票"
                        if action == "invoice_over"
                        else "",
                    )
                    assert amount > 0
                    if invoiced_before + amount > contract.total_amount:
                        overrides += 1
                else:
                    payment = Payment.objects.filter(
                        contract=contract, status=Payment.Status.CONFIRMED
                    ).first()
                    if payment is None:
                        continue
                    receivables.payment_void(actor=admin_user, payment=payment, reason="录错")
            except (ValidationFailed, Conflict):
                if action == "pay":
                    assert amount <= 0 or amount > open_before
                elif action == "invoice":
                    assert amount <= 0 or invoiced_before + amount > contract.total_amount
                contract.refresh_from_db()
                assert contract.invoiced_amount == invoiced_before
                assert contract.total_amount - contract.paid_amount == open_before
            check_invariants(contract)
        contract.refresh_from_db()
        for instalment in Instalment.objects.filter(contract=contract):
            assert instalment.amount - instalment.paid_amount >= 0
        if contract.invoiced_amount > contract.total_amount:
            assert overrides > 0
            assert Invoice.objects.filter(contract=contract).exclude(override_reason="").exists()
        transaction.set_rollback(True)

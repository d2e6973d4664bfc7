"""Sales documents for tests.

Contracts, orders, payments and quotes that a test acts on are made through the sales
services (numbers, totals, plans, approvals and the timeline as the application makes them).
The *Row factories write stored rows directly, for hand-picked figures that the services
would never produce in one go (a report's data set: old, terminated, half-paid contracts).
"""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from guanxi.sales.approvals import services as approvals
from guanxi.sales.catalog import services as catalog
from guanxi.sales.common.lines import LineInput
from guanxi.sales.contracts.services import InstalmentInput, contract_create, contract_submit
from guanxi.sales.fulfilment import services as fulfilment
from guanxi.sales.models import Contract, Instalment, Invoice, Payment, Product, Quote
from guanxi.sales.receivables import services as receivables

D = Decimal


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"P-{n}")
    name = "标准版"
    unit = "套"
    list_price = D("1000.00")


class LineFactory(factory.Factory):
    """One contract line as contract_create takes it (no product, 13% tax by default)."""

    class Meta:
        model = LineInput

    product = None
    description = "年度服务"
    unit = "项"
    quantity = "1"
    unit_price = "1000.00"
    discount_rate = "0"
    tax_rate = "0.13"


class DraftContractFactory(factory.Factory):
    """DraftContractFactory(owner=..., customer=..., items=[...]) through contract_create."""

    class Meta:
        model = Contract

    owner = None
    customer = None
    title = "年度服务合同"
    items = factory.LazyFunction(lambda: [LineFactory()])

    @classmethod
    def _create(cls, model_class, *, owner, **fields):
        return contract_create(actor=owner, **fields)


def draft_for(owner, customer, *, price="1000.00", title="年度服务合同"):
    """A draft of one 实施服务 line at `price`."""
    return DraftContractFactory(
        owner=owner,
        customer=customer,
        title=title,
        items=[LineFactory(description="实施服务", unit_price=price)],
    )


def make_contract(owner, customer, *, total="9000.00", plan=None, sign=True, tax="0.13"):
    """A contract of one line worth `total`, with a plan (default three equal parts due
    30 and 0 days ago and in 30 days) and signed through the contract services."""
    contract = DraftContractFactory(
        owner=owner,
        customer=customer,
        items=[LineFactory(description="年度服务", unit_price=total, tax_rate=tax)],
    )
    today = timezone.localdate()
    if plan is None:
        parts = receivables.money.split_evenly(D(total), 3)
        plan = [
            InstalmentInput(due_on=today + dt.timedelta(days=days), amount=amount)
            for days, amount in zip((-30, 0, 30), parts, strict=True)
        ]
    if plan:
        receivables.instalments_set(actor=owner, contract=contract, plan=plan)
    if sign:
        contract = contract_submit(actor=owner, contract=contract)
        assert contract.status == Contract.Status.SIGNED
    return Contract.objects.get(pk=contract.pk)


def make_signed_contract(owner, customer, *, items=None, title="设备采购合同"):
    """A contract signed through the contract services (small amount: no approval flow);
    by default ten 空气净化器 and 2.5 滤芯."""
    items = items or [
        {"description": "空气净化器", "unit": "台", "quantity": "10", "unit_price": "100.00"},
        {"description": "滤芯", "unit": "个", "quantity": "2.5", "unit_price": "40.00"},
    ]
    contract = DraftContractFactory(
        owner=owner, customer=customer, title=title, items=[LineFactory(**i) for i in items]
    )
    contract = contract_submit(actor=owner, contract=contract)
    assert contract.status == Contract.Status.SIGNED, contract.status
    return contract


def place_order(actor, contract, *lines, ordered_on=None):
    """lines: (item, quantity[, planned_on])."""
    today = timezone.localdate()
    return fulfilment.order_create(
        actor=actor,
        contract=contract,
        ordered_on=ordered_on or today,
        plans=[
            fulfilment.DeliveryPlanInput(
                contract_item=line[0],
                quantity=str(line[1]),
                planned_on=line[2] if len(line) > 2 else today,
            )
            for line in lines
        ],
    )


def pay(actor, contract, amount, **kwargs):
    """A payment recorded through payment_record (today, by bank transfer by default)."""
    kwargs.setdefault("received_on", timezone.localdate())
    kwargs.setdefault("method", Payment.Method.TRANSFER)
    payment, _created = receivables.payment_record(
        actor=actor, contract=contract, amount=amount, **kwargs
    )
    return payment


def payment_flow_create(admin):
    """The approval flow for payments of ¥1,000 and more: the payer's direct manager decides."""
    return approvals.flow_create(
        actor=admin,
        data=approvals.FlowInput(
            name="回款审批",
            target="payment",
            priority=1,
            min_amount="1000",
            steps=[{"kind": "direct_manager", "mode": "any"}],
        ),
    )


def make_quote(owner, customer, product, *, quantity="2", status=None):
    """A quote of one product line, moved through the statuses that lead to `status`."""
    quote = catalog.quote_create(
        actor=owner,
        customer=customer,
        items=[LineInput(product=product, quantity=quantity)],
        notes="报价说明",
    )
    moves = {
        Quote.Status.SENT: [Quote.Status.SENT],
        Quote.Status.ACCEPTED: [Quote.Status.SENT, Quote.Status.ACCEPTED],
        Quote.Status.REJECTED: [Quote.Status.SENT, Quote.Status.REJECTED],
    }.get(status, [])
    for move in moves:
        quote = catalog.quote_set_status(actor=owner, quote=quote, status=move)
    return Quote.objects.get(pk=quote.pk)


# ---------------------------------------------------------------- stored rows, hand-picked


class ContractRowFactory(factory.django.DjangoModelFactory):
    """ContractRowFactory(customer=..., status=..., signed_on=..., total=..., paid=...)."""

    class Meta:
        model = Contract
        exclude = ("total", "paid", "n")

    n = factory.Sequence(lambda n: n + 1)
    total = "0"
    paid = "0"
    number = factory.LazyAttribute(lambda o: f"HT-TEST-{o.n:06d}")
    title = factory.LazyAttribute(lambda o: f"合同{o.n}")
    owner_id = factory.SelfAttribute("customer.owner_id")
    department_id = factory.SelfAttribute("customer.department_id")
    gross_amount = factory.LazyAttribute(lambda o: D(o.total))
    net_amount = factory.LazyAttribute(lambda o: D(o.total))
    tax_amount = D("0")
    total_amount = factory.LazyAttribute(lambda o: D(o.total))
    paid_amount = factory.LazyAttribute(lambda o: D(o.paid))


class _OfContract(factory.django.DjangoModelFactory):
    """Rows that copy their owner and department from their contract."""

    class Meta:
        abstract = True

    owner_id = factory.SelfAttribute("contract.owner_id")
    department_id = factory.SelfAttribute("contract.department_id")

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs["amount"] = D(kwargs["amount"])
        return kwargs


class PaymentRowFactory(_OfContract):
    class Meta:
        model = Payment

    customer_id = factory.SelfAttribute("contract.customer_id")
    method = Payment.Method.TRANSFER
    status = Payment.Status.CONFIRMED


class InstalmentRowFactory(_OfContract):
    class Meta:
        model = Instalment
        exclude = ("paid",)

    paid = "0"
    customer_id = factory.SelfAttribute("contract.customer_id")
    paid_amount = factory.LazyAttribute(lambda o: D(o.paid))
    settled = factory.LazyAttribute(lambda o: D(o.paid) == D(o.amount))
    active = factory.LazyAttribute(
        lambda o: o.contract.status in (Contract.Status.SIGNED, Contract.Status.EXECUTING)
    )


class InvoiceRowFactory(_OfContract):
    class Meta:
        model = Invoice

    kind = Invoice.Kind.NORMAL
    tax_rate = D("0")
    net_amount = factory.LazyAttribute(lambda o: D(o.amount))
    tax_amount = D("0")
    status = Invoice.Status.ISSUED

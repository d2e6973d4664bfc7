"""What several sales test modules check the same way: who sees a consultant's documents,
snapshots of everything a refused action must leave alone, the invariants the services keep,
an API client, and running calls at the same moment on their own connections."""

import json
import threading
from collections import defaultdict
from decimal import Decimal

from django.db import connections
from django.db.models import Sum
from django.test import Client

from guanxi.accounts.services import token_create
from guanxi.core.errors import Conflict, ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.customers.models import TimelineEvent
from guanxi.sales.models import (
    Approval,
    Contract,
    ContractAmendment,
    ContractItem,
    Delivery,
    DeliveryPlan,
    Instalment,
    Invoice,
    Order,
    Payment,
    PaymentAllocation,
    PriceList,
    PriceListItem,
    Product,
    Quote,
    QuoteItem,
    StockOut,
)

D = Decimal
JSON = "application/json"

# who sees sales1a's contract: the owner, their manager (department tree) and the roles
# with company-wide scope; not a colleague (own scope) nor another department.
SEES = {
    "sales1a": True,
    "sales1b": False,
    "sales2a": False,
    "manager": True,
    "relations": True,
    "agent": True,
    "marketing": True,
    "admin": True,
}


def api(user, language="en") -> Client:
    """A client that authenticates with the user's API token (no session, no CSRF)."""
    _token, raw = token_create(user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": language})


def send(client, method, url, body=None):
    return getattr(client, method)(url, json.dumps(body if body is not None else {}), JSON)


def items_of(contract):
    return list(contract.items.order_by("position", "id"))


# ---------------------------------------------------------------- snapshots


def contract_state(contract):
    """Everything a refused or denied action on a contract must leave alone."""
    return (
        Contract.objects.filter(pk=contract.pk)
        .values(
            "status",
            "version",
            "title",
            "terms",
            "total_amount",
            "paid_amount",
            "amendment_count",
            "owner_id",
            "terminated_reason",
        )
        .first(),
        list(
            ContractItem.objects.filter(contract=contract)
            .values("id", "description", "quantity", "unit_price", "total_amount")
            .order_by("id")
        ),
        list(Instalment.objects.filter(contract=contract).values("id", "amount").order_by("id")),
        ContractAmendment.objects.filter(contract=contract).count(),
        Approval.objects.filter(target="contract", target_id=contract.pk).count(),
        AuditLog.objects.count(),
        TimelineEvent.objects.filter(customer_id=contract.customer_id).count(),
    )


def money_state(contract):
    """Everything a refused payment or invoice action must leave alone."""
    return (
        Contract.objects.filter(pk=contract.pk)
        .values("status", "paid_amount", "invoiced_amount")
        .first(),
        list(
            Instalment.objects.filter(contract=contract)
            .values("id", "sequence", "due_on", "amount", "paid_amount", "settled")
            .order_by("sequence")
        ),
        list(Payment.objects.filter(contract=contract).values("id", "status").order_by("id")),
        PaymentAllocation.objects.filter(payment__contract=contract).count(),
        list(Invoice.objects.filter(contract=contract).values("id", "status").order_by("id")),
    )


def fulfilment_state(contract):
    """Everything a refused or denied fulfilment action must leave alone."""
    return (
        Contract.objects.filter(pk=contract.pk).values("status", "version").first(),
        list(Order.objects.filter(contract=contract).values("id", "status").order_by("id")),
        list(
            DeliveryPlan.objects.filter(order__contract=contract)
            .values("id", "quantity", "delivered_quantity")
            .order_by("id")
        ),
        Delivery.objects.filter(plan__order__contract=contract).count(),
        StockOut.objects.filter(contract=contract).count(),
        AuditLog.objects.filter(action__startswith="sales.order").count()
        + AuditLog.objects.filter(
            action__in=["sales.delivery_record", "sales.stockout_record"]
        ).count(),
    )


def catalog_state():
    return (
        list(Product.objects.values("id", "code", "name", "list_price", "tax_rate", "active")),
        list(PriceList.objects.values("id", "name", "priority", "active")),
        list(PriceListItem.objects.values("price_list_id", "product_id", "price")),
        AuditLog.objects.count(),
    )


def quote_state(quote):
    return (
        Quote.objects.filter(pk=quote.pk).values("status", "notes", "total_amount").first(),
        list(QuoteItem.objects.filter(quote=quote).values("id", "quantity", "unit_price")),
        Contract.objects.count(),
        AuditLog.objects.count(),
    )


# ---------------------------------------------------------------- invariants


def check_invariants(contract):
    """The stored sums the services keep under the contract lock."""
    contract = Contract.objects.get(pk=contract.pk)
    instalments = list(Instalment.objects.filter(contract=contract))
    assert sum((i.amount for i in instalments), D(0)) == contract.total_amount
    for inst in instalments:
        allocated = inst.allocations.aggregate(s=Sum("amount"))["s"] or D(0)
        assert inst.paid_amount == allocated
        assert inst.settled == (inst.paid_amount == inst.amount)
        assert 0 <= inst.paid_amount <= inst.amount
    confirmed = Payment.objects.filter(contract=contract, status=Payment.Status.CONFIRMED)
    assert contract.paid_amount == (confirmed.aggregate(s=Sum("amount"))["s"] or D(0))
    allocated = PaymentAllocation.objects.filter(payment__contract=contract).aggregate(
        s=Sum("amount")
    )["s"] or D(0)
    unallocated = confirmed.aggregate(s=Sum("unallocated_amount"))["s"] or D(0)
    assert contract.paid_amount == allocated + unallocated
    issued = Invoice.objects.filter(contract=contract, status=Invoice.Status.ISSUED)
    assert contract.invoiced_amount == (issued.aggregate(s=Sum("amount"))["s"] or D(0))


ACTIVE = {Contract.Status.SIGNED, Contract.Status.EXECUTING}
SIGNED_STATUSES = (
    Contract.Status.SIGNED,
    Contract.Status.EXECUTING,
    Contract.Status.COMPLETED,
)


def _sums(queryset, key, value="amount"):
    return {
        row[key]: row["total"] for row in queryset.values(key).annotate(total=Sum(value)).order_by()
    }


def assert_consistent(today):
    """Everything the services keep in step, checked over all seeded rows."""
    contracts = {c.pk: c for c in Contract.objects.select_related("customer")}
    assert contracts
    items = _sums(ContractItem.objects.all(), "contract_id", "total_amount")
    instalment_sums = _sums(Instalment.objects.all(), "contract_id")
    confirmed = Payment.objects.filter(status=Payment.Status.CONFIRMED)
    paid = _sums(confirmed, "contract_id")
    invoiced = _sums(Invoice.objects.filter(status=Invoice.Status.ISSUED), "contract_id")
    allocated = _sums(PaymentAllocation.objects.all(), "instalment_id")
    allocated_per_payment = _sums(PaymentAllocation.objects.all(), "payment_id")
    payments_per_contract = defaultdict(int)
    for payment in confirmed:
        payments_per_contract[payment.contract_id] += 1
        assert payment.amount - payment.unallocated_amount == allocated_per_payment[payment.pk]
        assert payment.overpayment_accepted == (payment.unallocated_amount > 0)
        assert payment.received_on <= today
        assert payment.owner_id == contracts[payment.contract_id].owner_id
    for contract in contracts.values():
        # owner and department copied from the customer; totals are the sums of the rows
        assert contract.owner_id == contract.customer.owner_id
        assert contract.department_id == contract.customer.department_id
        assert contract.total_amount == items[contract.pk] > 0
        assert contract.total_amount == contract.net_amount + contract.tax_amount
        assert instalment_sums[contract.pk] == contract.total_amount
        assert contract.paid_amount == paid.get(contract.pk, Decimal("0.00"))
        assert contract.invoiced_amount == invoiced.get(contract.pk, Decimal("0.00"))
        assert contract.invoiced_amount <= contract.total_amount
        if contract.status == Contract.Status.DRAFT:
            assert contract.signed_on is None
        elif contract.status in SIGNED_STATUSES:
            assert contract.signed_on is not None
            assert contract.signed_on <= today
        elif contract.signed_on is not None:  # in approval or terminated: a planned date
            assert contract.signed_on <= today
        if contract.status in (Contract.Status.DRAFT, Contract.Status.SIGNED):
            assert contract.pk not in payments_per_contract, contract.status
        if contract.status == Contract.Status.EXECUTING:
            assert payments_per_contract[contract.pk] >= 1
        if contract.status == Contract.Status.COMPLETED:
            assert contract.paid_amount >= contract.total_amount
        if contract.status == Contract.Status.TERMINATED:
            assert contract.terminated_reason and contract.terminated_at
    for instalment in Instalment.objects.all():
        contract = contracts[instalment.contract_id]
        assert instalment.paid_amount == allocated.get(instalment.pk, Decimal("0.00"))
        assert instalment.settled == (instalment.paid_amount == instalment.amount)
        assert instalment.active == (contract.status in ACTIVE)
        assert (instalment.owner_id, instalment.department_id, instalment.customer_id) == (
            contract.owner_id,
            contract.department_id,
            contract.customer_id,
        )


# ---------------------------------------------------------------- concurrency


def run_together(jobs):
    """Run callables at the same moment, each on its own connection; return their results
    ("ok", "refused" or the unexpected exception's repr)."""
    barrier = threading.Barrier(len(jobs), timeout=10)
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            job()
            results[index] = "ok"
        except (ValidationFailed, Conflict):
            results[index] = "refused"
        except Exception as exc:
            results[index] = repr(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, job), daemon=True) for i, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a transaction hung"
    return results

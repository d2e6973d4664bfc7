"""What a signed-in customer sees in the portal (INTG-4). Every read takes the customer and
filters by it: the portal's data scope is the one customer, nothing of any other, ever (an id
of another customer's record is simply not found)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from guanxi.core.errors import found
from guanxi.customers.models import Customer
from guanxi.sales.models import Contract, Delivery, Instalment, Invoice, Payment

# drafts and contracts in approval are the company's work in progress, not the customer's
SHOWN_STATUSES = (
    Contract.Status.SIGNED,
    Contract.Status.EXECUTING,
    Contract.Status.COMPLETED,
    Contract.Status.TERMINATED,
)
# a customer's lists are short; the bound keeps a page bounded whatever happens
LIST_LIMIT = 100


def _contracts(customer: Customer) -> QuerySet[Contract]:
    return Contract.objects.filter(customer_id=customer.pk, status__in=SHOWN_STATUSES)


def portal_contracts(*, customer: Customer) -> list[Contract]:
    return list(_contracts(customer).order_by("-signed_on", "-id")[:LIST_LIMIT])


def portal_contract_get(*, customer: Customer, contract_id: int) -> Contract:
    """The customer's contract, or 404 (another customer's, a draft, no such id)."""
    return found(_contracts(customer).filter(pk=contract_id).first())


def portal_instalments(*, customer: Customer, contract: Contract | None = None) -> list[Instalment]:
    rows = Instalment.objects.filter(customer_id=customer.pk, active=True).select_related(
        "contract"
    )
    if contract is not None:
        rows = rows.filter(contract_id=contract.pk)
    return list(rows.order_by("settled", "due_on", "id")[:LIST_LIMIT])


def portal_payments(*, customer: Customer, contract: Contract | None = None) -> list[Payment]:
    rows = Payment.objects.filter(
        customer_id=customer.pk, status=Payment.Status.CONFIRMED
    ).select_related("contract")
    if contract is not None:
        rows = rows.filter(contract_id=contract.pk)
    return list(rows.order_by("-received_on", "-id")[:LIST_LIMIT])


def portal_invoices(*, customer: Customer, contract: Contract | None = None) -> list[Invoice]:
    rows = Invoice.objects.filter(
        contract__customer_id=customer.pk,
        contract__status__in=SHOWN_STATUSES,
        status=Invoice.Status.ISSUED,
    ).select_related("contract")
    if contract is not None:
        rows = rows.filter(contract_id=contract.pk)
    return list(rows.order_by("-issued_on", "-id")[:LIST_LIMIT])


def portal_deliveries(*, customer: Customer, contract: Contract | None = None) -> list[Delivery]:
    rows = Delivery.objects.filter(
        plan__order__contract__customer_id=customer.pk,
        plan__order__contract__status__in=SHOWN_STATUSES,
    ).select_related("plan__contract_item", "plan__order__contract")
    if contract is not None:
        rows = rows.filter(plan__order__contract_id=contract.pk)
    return list(rows.order_by("-delivered_on", "-id")[:LIST_LIMIT])


@dataclass(frozen=True)
class PortalOverview:
    contracts: list[Contract]
    instalments: list[Instalment]
    payments: list[Payment]
    invoices: list[Invoice]
    deliveries: list[Delivery]


def portal_overview(*, customer: Customer, contract: Contract | None = None) -> PortalOverview:
    return PortalOverview(
        contracts=[contract] if contract is not None else portal_contracts(customer=customer),
        instalments=portal_instalments(customer=customer, contract=contract),
        payments=portal_payments(customer=customer, contract=contract),
        invoices=portal_invoices(customer=customer, contract=contract),
        deliveries=portal_deliveries(customer=customer, contract=contract),
    )

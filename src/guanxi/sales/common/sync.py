"""Keep the copies on instalments, payments and invoices in step with their contract."""

from guanxi.sales.models import Contract, Instalment, Invoice, Payment

ACTIVE_STATUSES = (Contract.Status.SIGNED, Contract.Status.EXECUTING)


def contract_copies_refresh(contract: Contract) -> None:
    """Call after a contract's status, owner or department changed (same transaction)."""
    Instalment.objects.filter(contract_id=contract.pk).update(
        active=contract.status in ACTIVE_STATUSES,
        owner_id=contract.owner_id,
        department_id=contract.department_id,
        customer_id=contract.customer_id,
    )
    for model in (Payment, Invoice):
        model.objects.filter(contract_id=contract.pk).update(
            owner_id=contract.owner_id, department_id=contract.department_id
        )

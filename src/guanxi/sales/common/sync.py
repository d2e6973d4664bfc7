"""Keep the copies on instalments, payments and invoices in step with their contract."""

from typing import Any

from guanxi.sales.models import Contract, Instalment, Invoice, Payment

ACTIVE_STATUSES = (Contract.Status.SIGNED, Contract.Status.EXECUTING)


def contract_copies(
    contract: Contract, model: type[Instalment] | type[Payment] | type[Invoice]
) -> dict[str, Any]:
    """The columns a record of `model` copies from its contract, written when the record is
    made and again by `contract_copies_refresh`: the owner and department (the data scope),
    and for an instalment also the customer and whether the contract is active (the ageing's
    partial index)."""
    copies: dict[str, Any] = {
        "owner_id": contract.owner_id,
        "department_id": contract.department_id,
    }
    if model is Instalment:
        copies["customer_id"] = contract.customer_id
        copies["active"] = contract.status in ACTIVE_STATUSES
    return copies


def contract_copies_refresh(contract: Contract) -> None:
    """Call after a contract's status, owner or department changed (same transaction)."""
    for model in (Instalment, Payment, Invoice):
        model.objects.filter(contract_id=contract.pk).update(**contract_copies(contract, model))

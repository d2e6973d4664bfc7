"""The customers a user may make sales records for."""

from guanxi.accounts.models import User
from guanxi.customers.models import Customer
from guanxi.sales.common.permissions import EDIT_OTHERS


def customer_locked_for_sale(*, actor: User, customer: Customer) -> Customer | None:
    """The customer's row locked for a quote or a purchase recorded by `actor`, or None when
    they may not: one they may edit in their own line, not one only shared with them
    (shared=False), since the record would be the owner's and out of a collaborator's sight."""
    return (
        Customer.objects.editable_by(actor, action=EDIT_OTHERS, shared=False)
        .select_for_update()
        .filter(pk=customer.pk)
        .first()
    )

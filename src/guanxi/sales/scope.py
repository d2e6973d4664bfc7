"""Data scope for sales records (DESIGN: every read goes through the data-scope filter).

Contracts, quotes, instalments, payments and invoices carry the owner and department of the
consultant who owns the deal; a user sees them in the same scope as customers (本人,
本部门 …). Records of a customer shared with the user (协作人) are not widened to its
contracts: money is seen by the owner's line, not by collaborators."""

from guanxi.accounts.selectors import scope_for_user
from guanxi.core.scope import apply_scope


def _scoped(queryset, user):
    scope = scope_for_user(user)
    if scope.user_id is None:
        return queryset.none()
    return apply_scope(queryset, scope)


def visible_contracts(user):
    from guanxi.sales.models import Contract

    return _scoped(Contract.objects.all(), user)


def visible_quotes(user):
    from guanxi.sales.models import Quote

    return _scoped(Quote.objects.all(), user)


def visible_instalments(user):
    from guanxi.sales.models import Instalment

    return _scoped(Instalment.objects.all(), user)


def visible_payments(user):
    from guanxi.sales.models import Payment

    return _scoped(Payment.objects.all(), user)


def visible_invoices(user):
    from guanxi.sales.models import Invoice

    return _scoped(Invoice.objects.all(), user)


def editable_contracts(user):
    """Contracts the user may act on (record payments, deliveries …): the same scope.
    Status rules (draft only, signed only …) are the services' business."""
    return visible_contracts(user)

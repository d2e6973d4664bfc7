"""Reads of contracts, always starting from the data scope (Contract.objects.visible_to)."""

import datetime as dt
from dataclasses import dataclass, fields, replace

from django.db import connection
from django.db.models import Q, QuerySet

from guanxi.core.errors import NotFound
from guanxi.core.pagination import Page, capped_count, page_by_id, parse_id
from guanxi.core.schemas import PageQuery
from guanxi.customers.models import Customer
from guanxi.sales.common.permissions import EDIT_OTHERS
from guanxi.sales.models import Contract, ContractAmendment, ContractItem

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


@dataclass
class ContractFilters:
    q: str = ""
    status: str = ""
    owner: int | None = None
    department: int | None = None
    customer: int | None = None
    signed_from: dt.date | None = None
    signed_to: dt.date | None = None

    @classmethod
    def from_params(cls, params) -> "ContractFilters":
        """From a query dict (GET / API); bad values are ignored, not guessed."""

        def integer(name):
            return parse_id(params.get(name))

        def date(name):
            try:
                return dt.date.fromisoformat(str(params.get(name) or "").strip())
            except ValueError:
                return None

        status = str(params.get("status") or "").strip()
        return cls(
            q=str(params.get("q") or "").strip()[:100].replace("\x00", ""),
            status=status if status in Contract.Status.values else "",
            owner=integer("owner"),
            department=integer("department"),
            customer=integer("customer"),
            signed_from=date("signed_from"),
            signed_to=date("signed_to"),
        )

    def as_params(self) -> dict:
        out = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value not in (None, ""):
                out[item.name] = value.isoformat() if isinstance(value, dt.date) else value
        return out


def _search(text: str) -> Q:
    """Number (prefix, as printed: HT-2026-000123), title or customer name (contains)."""
    upper = text.upper()
    if connection.vendor == "sqlite":
        number = Q(number__gte=upper, number__lt=upper + "\U0010ffff")
    else:
        number = Q(number__startswith=upper)
    return number | Q(title__icontains=text) | Q(customer__name__contains=text)


def _filtered(user, filters: ContractFilters):
    queryset = Contract.objects.visible_to(user)
    if filters.q:
        queryset = queryset.filter(_search(filters.q))
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.owner:
        queryset = queryset.filter(owner_id=filters.owner)
    if filters.department:
        queryset = queryset.filter(department_id=filters.department)
    if filters.customer:
        queryset = queryset.filter(customer_id=filters.customer)
    if filters.signed_from:
        queryset = queryset.filter(signed_on__gte=filters.signed_from)
    if filters.signed_to:
        queryset = queryset.filter(signed_on__lte=filters.signed_to)
    return queryset


def contract_list_for_user(
    *, user, filters=None, cursor=None, limit: int = PAGE_SIZE, count: bool = True
) -> Page[Contract]:
    """Newest first, keyset paged on id (the cursor is the last id shown); the count stops
    at COUNT_CAP ("1,000+")."""
    if filters is None:
        filters = ContractFilters()
    elif isinstance(filters, dict):
        filters = ContractFilters.from_params(filters)
    queryset = _filtered(user, filters)
    page: Page[Contract] = page_by_id(
        queryset.select_related("customer", "owner", "department"),
        cursor=cursor,
        limit=limit,
        maximum=MAX_PAGE_SIZE,
    )
    if not cursor and page.next_cursor is None:
        total, capped = len(page.items), False
    elif count:
        total, capped = capped_count(queryset)
    else:
        total, capped = 0, False
    return replace(page, total=total, total_capped=capped)


def contract_for_user(
    *, user, contract_id, related: tuple[str, ...] = ("customer", "owner", "department")
) -> Contract:
    """A contract in the user's scope with the `related` rows loaded; NotFound else (also for
    an id that is no id)."""
    pk = parse_id(contract_id)
    contract = (
        Contract.objects.visible_to(user).select_related(*related).filter(pk=pk).first()
        if pk is not None
        else None
    )
    if contract is None:
        raise NotFound()
    return contract


def contract_rows_page[T](*, user, contract_id, rows: QuerySet, page: PageQuery) -> Page[T]:
    """One page, newest first, of the `rows` (payments, orders, ...) that belong to a
    contract in the user's scope; NotFound for a contract outside it, like contract_for_user,
    so the API's contract lists all answer the same way."""
    contract = contract_for_user(user=user, contract_id=contract_id)
    return page_by_id(rows.filter(contract_id=contract.pk), cursor=page.cursor, limit=page.limit)


def contract_get_for_user(*, user, contract_id) -> Contract:
    """A contract for its page: with its signing contact, quote and author too."""
    return contract_for_user(
        user=user,
        contract_id=contract_id,
        related=("customer", "owner", "department", "signing_contact", "quote", "created_by"),
    )


def customer_for_new_contract(*, user, customer_id):
    """The customer `user` may draft a contract for, or None: one they may edit, in their own
    scope — not one only shared with them (the contract would be the owner's, out of sight)."""
    pk = parse_id(customer_id)
    editable = Customer.objects.editable_by(user, action=EDIT_OTHERS, shared=False)
    return editable.filter(pk=pk).first() if pk else None


def contract_can_edit(*, user, contract) -> bool:
    return Contract.objects.editable_by(user, action=EDIT_OTHERS).filter(pk=contract.pk).exists()


def contract_items(contract) -> list[ContractItem]:
    return list(ContractItem.objects.filter(contract_id=contract.pk).select_related("product"))


def contract_amendments(contract) -> list[ContractAmendment]:
    return list(
        ContractAmendment.objects.filter(contract_id=contract.pk)
        .select_related("created_by")
        .order_by("-number")
    )


def customer_contracts_for_user(*, user, customer, limit: int = 10) -> list[Contract]:
    return list(
        Contract.objects.visible_to(user)
        .filter(customer_id=customer.pk)
        .select_related("owner")
        .order_by("-id")[:limit]
    )

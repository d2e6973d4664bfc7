"""Reads of contracts, always starting from the data scope (Contract.objects.visible_to)."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from django.db import connection
from django.db.models import Model, Q, QuerySet

from guanxi.accounts.models import User
from guanxi.core.errors import found
from guanxi.core.pagination import Page, capped_count, page_by_id, parse_id
from guanxi.core.querysets import filter_given
from guanxi.core.schemas import PageQuery
from guanxi.customers.models import Customer
from guanxi.customers.querysets import customer_editable
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
    def from_params(cls, params: Mapping[str, Any]) -> "ContractFilters":
        """From a query dict (GET / API); bad values are ignored, not guessed."""

        def integer(name: str) -> int | None:
            return parse_id(params.get(name))

        def date(name: str) -> dt.date | None:
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

    def as_params(self) -> dict[str, int | str]:
        out: dict[str, int | str] = {}
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


def _filtered(user: User, filters: ContractFilters) -> QuerySet[Contract]:
    queryset = Contract.objects.visible_to(user)
    if filters.q:
        queryset = queryset.filter(_search(filters.q))
    return filter_given(
        queryset,
        status=filters.status,
        owner_id=filters.owner,
        department_id=filters.department,
        customer_id=filters.customer,
        signed_on__gte=filters.signed_from,
        signed_on__lte=filters.signed_to,
    )


def contract_list_for_user(
    *,
    user: User,
    filters: ContractFilters | Mapping[str, Any] | None = None,
    cursor: str | int | None = None,
    limit: int = PAGE_SIZE,
    count: bool = True,
) -> Page[Contract]:
    """Newest first, keyset paged on id (the cursor is the last id shown); the count stops
    at COUNT_CAP ("1,000+")."""
    if filters is None:
        filters = ContractFilters()
    elif not isinstance(filters, ContractFilters):
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
    *,
    user: User,
    contract_id: int | str | None,
    related: tuple[str, ...] = ("customer", "owner", "department"),
) -> Contract:
    """A contract in the user's scope with the `related` rows loaded; NotFound else (also for
    an id that is no id)."""
    pk = parse_id(contract_id)
    contracts = Contract.objects.visible_to(user)
    if related:  # select_related() without names would join every foreign key instead
        contracts = contracts.select_related(*related)
    contract = found(contracts.filter(pk=pk).first() if pk is not None else None)
    return contract


def contract_rows_page[T: Model](
    *, user: User, contract_id: int, rows: QuerySet[T], page: PageQuery
) -> Page[T]:
    """One page, newest first, of the `rows` (payments, orders, ...) that belong to a
    contract in the user's scope; NotFound for a contract outside it, like contract_for_user,
    so the API's contract lists all answer the same way."""
    contract = contract_for_user(user=user, contract_id=contract_id)
    return page_by_id(rows.filter(contract_id=contract.pk), cursor=page.cursor, limit=page.limit)


def contract_get_for_user(*, user: User, contract_id: int | str | None) -> Contract:
    """A contract for its page: with its signing contact, quote and author too."""
    return contract_for_user(
        user=user,
        contract_id=contract_id,
        related=("customer", "owner", "department", "signing_contact", "quote", "created_by"),
    )


def customer_for_new_contract(*, user: User, customer_id: int | str | None) -> Customer | None:
    """The customer `user` may draft a contract for, or None: one they may edit, in their own
    scope — not one only shared with them (the contract would be the owner's, out of sight)."""
    pk = parse_id(customer_id)
    editable = Customer.objects.editable_by(user, action=EDIT_OTHERS, shared=False)
    return editable.filter(pk=pk).first() if pk else None


def customer_may_get_contract(*, user: User, customer: Customer) -> bool:
    """Whether `customer_for_new_contract` would find the customer (read already, by the 360
    page, whose contract panel only shows or hides its "new contract" button)."""
    return customer_editable(user, customer, action=EDIT_OTHERS, shared=False)


def customer_visible(*, user: User, customer_id: int) -> bool:
    return Customer.objects.visible_to(user).filter(pk=customer_id).exists()


def contract_can_edit(*, user: User, contract: Contract) -> bool:
    return Contract.objects.editable_by(user, action=EDIT_OTHERS).filter(pk=contract.pk).exists()


def contract_items(*, contract: Contract) -> list[ContractItem]:
    return list(ContractItem.objects.filter(contract_id=contract.pk).select_related("product"))


def contract_amendments(*, contract: Contract) -> list[ContractAmendment]:
    return list(
        ContractAmendment.objects.filter(contract_id=contract.pk)
        .select_related("created_by")
        .order_by("-number")
    )


def customer_contracts_for_user(
    *, user: User, customer: Customer, limit: int = 10
) -> list[Contract]:
    return list(
        Contract.objects.visible_to(user)
        .filter(customer_id=customer.pk)
        .select_related("owner")
        .order_by("-id")[:limit]
    )


# ---------------------------------------------------------------- the document under approval


def item_terms(*, item: ContractItem) -> dict[str, Any]:
    """A contract line's product, wording and prices as plain JSON values (the snapshots)."""
    return {
        "product": item.product_id,
        "description": item.description,
        "unit": item.unit,
        "quantity": str(item.quantity),
        "unit_price": str(item.unit_price),
        "discount_rate": str(item.discount_rate),
        "tax_rate": str(item.tax_rate),
    }


def _plain(value: object) -> str:
    return "" if value is None else str(value)


def contract_document(*, contract_id: int) -> dict[str, Any]:
    """The contract as a judge reads it — customer, dates, terms, lines, totals, payment
    plan — in JSON values (amounts as strings of fen). Approvals keep it per submission
    (register_snapshotter in sales.wiring) to show what changed since the last round."""
    contract = (
        Contract.objects.select_related("customer", "signing_contact")
        .filter(pk=contract_id)
        .first()
    )
    if contract is None:
        return {}
    items = list(contract.items.order_by("position", "id"))
    plan = list(contract.instalments.order_by("sequence"))
    return {
        "number": contract.number,
        "title": contract.title,
        "version": contract.version,
        "customer": {"id": contract.customer_id, "name": contract.customer.name},
        "signing_contact": contract.signing_contact.name if contract.signing_contact else "",
        "terms": contract.terms,
        "signed_on": _plain(contract.signed_on),
        "starts_on": _plain(contract.starts_on),
        "ends_on": _plain(contract.ends_on),
        "totals": {
            "gross": str(contract.gross_amount),
            "discount": str(contract.discount_amount),
            "net": str(contract.net_amount),
            "tax": str(contract.tax_amount),
            "total": str(contract.total_amount),
        },
        "items": [
            {
                **item_terms(item=item),
                "gross": str(item.gross_amount),
                "discount": str(item.discount_amount),
                "net": str(item.net_amount),
                "tax": str(item.tax_amount),
                "total": str(item.total_amount),
            }
            for item in items
        ],
        "plan": [
            {
                "sequence": instalment.sequence,
                "due_on": str(instalment.due_on),
                "amount": str(instalment.amount),
            }
            for instalment in plan
        ],
    }


@dataclass(frozen=True)
class DocumentChanges:
    """What changed between two contract documents (`contract_document` values)."""

    fields: list[tuple[str, str, str]]  # (field key, before, after)
    totals: list[tuple[str, str, str]]  # (total key, before, after)
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    # (before, after, keys that differ)
    changed: list[tuple[dict[str, Any], dict[str, Any], list[str]]]
    plan_before: list[dict[str, Any]]
    plan_after: list[dict[str, Any]]

    @property
    def any(self) -> bool:
        return bool(
            self.fields
            or self.totals
            or self.added
            or self.removed
            or self.changed
            or self.plan_before != self.plan_after
        )


_FIELD_KEYS = ("title", "signing_contact", "terms", "signed_on", "starts_on", "ends_on")
_TOTAL_KEYS = ("gross", "discount", "net", "tax", "total")
_LINE_KEYS = ("quantity", "unit_price", "discount_rate", "tax_rate", "total")


def _line_key(line: Mapping[str, Any]) -> tuple[int, str | None]:
    # Draft lines are replaced as a whole on each save, so their ids change: a line is the
    # same line when it sells the same product (or, without one, has the same description).
    return (line.get("product") or 0, "" if line.get("product") else line.get("description"))


def document_changes(*, before: Mapping[str, Any], after: Mapping[str, Any]) -> DocumentChanges:
    """Fields, totals, lines (added / removed / changed) and plan of `after` against
    `before`; lines are paired by product, then by position among same-product lines."""
    field_changes = [
        (key, _plain(before.get(key)), _plain(after.get(key)))
        for key in _FIELD_KEYS
        if _plain(before.get(key)) != _plain(after.get(key))
    ]
    customer_before = (before.get("customer") or {}).get("name", "")
    customer_after = (after.get("customer") or {}).get("name", "")
    if customer_before != customer_after:
        field_changes.insert(0, ("customer", customer_before, customer_after))
    totals_before, totals_after = before.get("totals") or {}, after.get("totals") or {}
    total_changes = [
        (key, totals_before.get(key, ""), totals_after.get(key, ""))
        for key in _TOTAL_KEYS
        if totals_before.get(key) != totals_after.get(key)
    ]
    remaining: dict[tuple[int, str | None], list[dict[str, Any]]] = {}
    for line in before.get("items") or []:
        remaining.setdefault(_line_key(line), []).append(line)
    added: list[dict[str, Any]] = []
    changed: list[tuple[dict[str, Any], dict[str, Any], list[str]]] = []
    for line in after.get("items") or []:
        candidates = remaining.get(_line_key(line))
        if not candidates:
            added.append(line)
            continue
        old = candidates.pop(0)
        keys = [key for key in _LINE_KEYS if old.get(key) != line.get(key)]
        if keys:
            changed.append((old, line, keys))
    removed = [line for lines in remaining.values() for line in lines]
    return DocumentChanges(
        fields=field_changes,
        totals=total_changes,
        added=added,
        removed=removed,
        changed=changed,
        plan_before=list(before.get("plan") or []),
        plan_after=list(after.get("plan") or []),
    )

"""One chunk of purchase-history rows judged (INTG-1, "so value analysis has a history"):
the customer found by the archive's duplicate keys within the importer's scope (matching),
the date and the amounts in the Chinese notations (values: 1.5万, ¥12,300), the product by
its name or code, the old system's order number. The same customer and order number — or,
without a number, the same customer, date and amount — already recorded or earlier in the
file is a duplicate. With `write` each row becomes a history contract with its payment
through the sales service (`contract_record_history`, permission `sales.record_history`)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.customers.models import Customer
from guanxi.imports.models import ImportBatch, ImportRow
from guanxi.imports.spreadsheets.fields import PURCHASE_FIELDS
from guanxi.imports.spreadsheets.matching import (
    Identity,
    PreparedRow,
    identity_of,
    judge_found,
    write_row,
)
from guanxi.imports.spreadsheets.names import by_names, named
from guanxi.imports.spreadsheets.reading import Row, cell_text, row_values
from guanxi.imports.spreadsheets.rows import Judged
from guanxi.imports.spreadsheets.seen import SeenRows
from guanxi.imports.spreadsheets.values import as_amount, as_day
from guanxi.sales.common.money import MAX_AMOUNT
from guanxi.sales.common.permissions import EDIT_OTHERS, RECORD_HISTORY
from guanxi.sales.models import Contract, Product
from guanxi.sales.receivables.services import HistoricPurchase, contract_record_history

Outcome = ImportRow.Outcome
_LABELS = {f.key: f.label for f in PURCHASE_FIELDS}
REFERENCE_LIMIT = 80
# a purchase's duplicate key: ("ref", customer, number) or ("day", customer, date, amount)
Key = tuple[object, ...]


@dataclass
class PurchaseLookups:
    actor: User
    batch: ImportBatch
    products: dict[str, Product]
    allowed: bool
    seen: SeenRows[Key] = field(default_factory=SeenRows)

    @classmethod
    def load(cls, batch: ImportBatch) -> "PurchaseLookups":
        return cls(
            actor=batch.owner,
            batch=batch,
            products=by_names(
                Product.objects.filter(active=True),
                lambda product: (product.code, product.name, product.name_en),
            ),
            allowed=user_can(user=batch.owner, permission=RECORD_HISTORY),
        )


@dataclass
class Prepared(PreparedRow):
    signed_on: dt.date | None = None
    amount: Decimal | None = None
    paid_amount: Decimal | None = None
    product: Product | None = None
    reference: str = ""

    def key(self, customer_id: int) -> Key:
        if self.reference:
            return ("ref", customer_id, self.reference)
        return ("day", customer_id, self.signed_on, self.amount)


def _money(value: object, key: str, errors: list[str], *, zero: bool) -> Decimal | None:
    if value is None:
        return None
    amount = as_amount(value)  # type: ignore[arg-type]
    if not isinstance(amount, Decimal):
        errors.append(f"{_LABELS[key]}: {_('Enter an amount, for example 1280.50.')}")
        return None
    if amount < 0 or (amount == 0 and not zero):
        errors.append(f"{_LABELS[key]}: {_('The amount must be greater than zero.')}")
        return None
    if amount > MAX_AMOUNT:
        errors.append(f"{_LABELS[key]}: {_('The amount is too large.')}")
        return None
    return amount


def prepare(row: Row, lookups: PurchaseLookups) -> Prepared:
    if row.problem:
        return Prepared(row, Identity(), error=row.problem)
    values = row_values(row, lookups.batch.mapping)
    identity = identity_of(values)
    errors: list[str] = [identity.error] if identity.error else []
    signed_on = None
    if values.get("signed_on") is None:
        errors.append(f"{_LABELS['signed_on']}: {_('This field is required.')}")
    else:
        day = as_day(values["signed_on"])
        if not isinstance(day, dt.date):
            errors.append(f"{_LABELS['signed_on']}: {_('Enter a date, for example 2026-03-31.')}")
        elif day > timezone.localdate():
            errors.append(f"{_LABELS['signed_on']}: {_('The date must not be in the future.')}")
        else:
            signed_on = day
    amount = _money(values.get("amount"), "amount", errors, zero=False)
    if amount is None and values.get("amount") is None:
        errors.append(f"{_LABELS['amount']}: {_('This field is required.')}")
    paid = _money(values.get("paid_amount"), "paid_amount", errors, zero=True)
    if paid is not None and amount is not None and paid > amount:
        errors.append(f"{_LABELS['paid_amount']}: {_('The paid amount cannot exceed the amount.')}")
    product = named(
        values.get("product"),
        lookups.products,
        errors,
        gettext_noop("Product: %(name)s is not a product of the catalogue."),
    )
    reference = cell_text(values.get("reference"))
    if len(reference) > REFERENCE_LIMIT:
        errors.append(
            f"{_LABELS['reference']}: "
            + _("At most %(count)d characters.") % {"count": REFERENCE_LIMIT}
        )
    if not lookups.allowed:
        errors.insert(0, _("You may not record purchase history."))
    return Prepared(
        row,
        identity,
        error="; ".join(errors),
        signed_on=signed_on,
        amount=amount,
        paid_amount=paid,
        product=product,
        reference=reference,
    )


def _recorded(prepared: list[Prepared], customers: dict[int, Customer]) -> set[Key]:
    """The duplicate keys of the history already recorded for these rows' customers."""
    if not customers:
        return set()
    references = {item.reference for item in prepared if item.reference}
    days = {item.signed_on for item in prepared if not item.reference and item.signed_on}
    if not references and not days:
        return set()
    rows = Contract.objects.filter(customer_id__in=list(customers), is_history=True).filter(
        Q(reference__in=references) | Q(reference="", signed_on__in=days)
    )
    keys: set[Key] = set()
    for customer_id, reference, signed_on, total in rows.values_list(
        "customer_id", "reference", "signed_on", "total_amount"
    ):
        if reference:
            keys.add(("ref", customer_id, reference))
        else:
            keys.add(("day", customer_id, signed_on, Decimal(total).quantize(Decimal("0.01"))))
    return keys


def _write(item: Prepared, customer: Customer, lookups: PurchaseLookups) -> Judged:
    assert item.signed_on is not None and item.amount is not None  # noqa: S101 - prepared
    signed_on, amount = item.signed_on, item.amount

    def create() -> int:
        contract = contract_record_history(
            actor=lookups.actor,
            customer=customer,
            data=HistoricPurchase(
                signed_on=signed_on,
                amount=amount,
                paid_amount=item.paid_amount,
                product=item.product,
                reference=item.reference,
            ),
        )
        return contract.pk

    return write_row(item, customer, labels=_LABELS, create=create)


def judge_chunk(rows: list[Row], lookups: PurchaseLookups, *, write: bool) -> list[Judged]:
    """What becomes of each row; with `write`, the purchases are recorded."""
    prepared = [prepare(row, lookups) for row in rows]
    return judge_found(
        prepared,
        actor=lookups.actor,
        action=EDIT_OTHERS,
        shared=False,
        seen=lookups.seen,
        recorded=lambda customers: _recorded(prepared, customers),
        key=lambda item, customer: item.key(customer.pk),
        same_as_row=lambda row: _("The same purchase as row %(row)d of the file.") % {"row": row},
        recorded_already=lambda customer: (
            _("This purchase of %(customer)s is recorded already.") % {"customer": customer.name}
        ),
        write=(lambda item, customer: _write(item, customer, lookups)) if write else None,
    )

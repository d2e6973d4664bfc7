"""Every write to a contract (ORD-2, ORD-3, ORD-7): create, edit while a draft, submit for
approval, sign, execute, complete, terminate, amend.

State machine (TRANSITIONS below; every other move is refused with a message naming both
states):

    draft ──submit──▶ in approval ──approved──▶ signed ──start / first order, delivery
      │  └──submit, no flow matches──────────▶   │        or payment──▶ executing
      │                in approval ──rejected / withdrawn──▶ draft       │
      └──terminate            signed / executing ──terminate──▶ terminated
                                         executing ──complete──▶ completed

Rules decided here (documented in docs and on the pages):
- Terminating a draft is abandoning it: whoever may edit the contract may do it. Terminating a
  signed or executing contract needs the permission `sales.terminate`. A contract in approval
  is locked: the approval must be withdrawn (or decided) first.
- Completing needs the contract to be executing and fully collected (paid ≥ total).
- A signed contract changes only through `contract_amend` (permission `sales.amend`, reason
  required, before/after diff stored and audited).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.core.audit import audit_record
from guanxi.core.dates import clean_date
from guanxi.core.errors import Conflict, PermissionDenied, ValidationFailed, found
from guanxi.core.hooks import Hook
from guanxi.core.pagination import parse_id
from guanxi.customers.archive.services import timeline_add
from guanxi.customers.archive.validation import UNSET, Unset
from guanxi.customers.models import Contact, Customer
from guanxi.pipeline.prospects.services import prospect_mark_won
from guanxi.sales.approvals import services as approvals
from guanxi.sales.catalog.services import line_item_fields, price_for, quote_lock
from guanxi.sales.common import hooks, money, numbers, sync
from guanxi.sales.common.lines import CleanedLine, LineInput
from guanxi.sales.common.permissions import AMEND_CONTRACT, EDIT_OTHERS, TERMINATE_CONTRACT
from guanxi.sales.contracts.selectors import item_terms
from guanxi.sales.models import (
    Contract,
    ContractAmendment,
    ContractItem,
    DeliveryPlan,
    Order,
    Product,
    Quote,
    StockOut,
)

S = Contract.Status

# A signed contract's payment plan belongs to receivables, a higher area: an amendment that
# brings a new plan calls the one function receivables puts here at ready()
# (receivables.services.contract_plan_change). It takes actor=, contract= (locked), plan=
# (InstalmentInput rows), runs in the amendment's transaction and returns the plan rows
# before and after.
amendment_plan_change = Hook("amendment_plan_change")
# amendment_total_change(contract=…) -> (plan before, plan after) | None: receivables lets a
# plan that follows the total (made on signing without one) take the new total.
amendment_total_change = Hook("amendment_total_change")


@dataclass(frozen=True, kw_only=True)
class InstalmentInput:
    """One instalment of a payment plan as the caller gives it (form text, JSON values, or
    dates and Decimals); receivables checks it. It is defined here, below receivables, so
    that an amendment can carry a new plan."""

    due_on: dt.date | str
    amount: Decimal | int | str
    notes: str = ""


TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.IN_APPROVAL, S.SIGNED, S.TERMINATED},
    S.IN_APPROVAL: {S.SIGNED, S.DRAFT},
    S.SIGNED: {S.EXECUTING, S.TERMINATED},
    S.EXECUTING: {S.COMPLETED, S.TERMINATED},
    S.COMPLETED: set(),
    S.TERMINATED: set(),
}


@dataclass(frozen=True, kw_only=True)
class ContractHead:
    """A contract's own fields as a draft edit or an amendment gives them (never its status
    or amounts); a field left UNSET stays as it is. Dates are dates or ISO text."""

    title: str | Unset = UNSET
    signing_contact: Contact | int | Unset | None = UNSET
    terms: str | Unset = UNSET
    signed_on: dt.date | str | Unset | None = UNSET
    starts_on: dt.date | str | Unset | None = UNSET
    ends_on: dt.date | str | Unset | None = UNSET

    def given(self) -> dict[str, Any]:
        return {name: value for name, value in vars(self).items() if value is not UNSET}


OPEN_STATUSES = (S.DRAFT, S.IN_APPROVAL, S.SIGNED, S.EXECUTING)
QUANTITY_STEP = Decimal("0.001")
RATE_STEP = Decimal("0.0001")
MAX_QUANTITY = Decimal("999999999.999")
MAX_ITEMS = 200

AUDIT_SUBMIT = "contract_submit"
AUDIT_SIGN = "contract_sign"
AUDIT_RETURN = "contract_return"
AUDIT_START = "contract_start"
AUDIT_COMPLETE = "contract_complete"
AUDIT_TERMINATE = "contract_terminate"
AUDIT_AMEND = "contract_amend"


# ---------------------------------------------------------------- helpers


def _status_label(status: str) -> str:
    return str(S(status).label) if status in S.values else str(status)


def _check_transition(contract: Contract, new_status: str) -> None:
    """Raise Conflict naming both states if the move is not in TRANSITIONS."""
    if new_status not in TRANSITIONS.get(contract.status, set()):
        raise Conflict(
            _("A contract cannot go from “%(old)s” to “%(new)s”.")
            % {"old": _status_label(contract.status), "new": _status_label(new_status)},
            code="illegal_transition",
        )


def contract_lock(*, actor: User, contract: Contract | int) -> Contract:
    """The contract row locked (SELECT … FOR UPDATE of its own table) for a change by
    `actor`: NotFound if they may not change it (outside their scope, or another's without
    sales.edit_others). Every area's change to a contract starts here."""
    pk = contract.pk if isinstance(contract, Contract) else contract
    return found(Contract.objects.locked_for(actor, action=EDIT_OTHERS, pk=pk))


def _copy_back(source: Contract, target: Contract | int) -> None:
    """Keep a caller's instance in step so a later save() does not undo our change."""
    if isinstance(target, Contract) and target is not source:
        for field in (
            "status",
            "version",
            "signed_on",
            "terminated_reason",
            "terminated_at",
            "completed_at",
            "title",
            "terms",
            "starts_on",
            "ends_on",
            "signing_contact_id",
            "gross_amount",
            "discount_amount",
            "net_amount",
            "tax_amount",
            "total_amount",
            "amendment_count",
            "owner_id",
            "department_id",
        ):
            setattr(target, field, getattr(source, field))


def _decimal(value: Any, *, step: Decimal, errors: list[str], label: str) -> Decimal | None:
    try:
        number = money.to_decimal(value)
    except (TypeError, ValueError):
        errors.append(_("%(field)s: enter a number.") % {"field": label})
        return None
    if number != number.quantize(step):
        errors.append(
            _("%(field)s: at most %(places)d decimal places.")
            % {"field": label, "places": -int(step.as_tuple().exponent)}
        )
        return None
    return number


def _rate(value: Any, *, errors: list[str], label: str) -> Decimal | None:
    """A rate as a fraction (0.13 = 13 %); forms convert their percentages before calling."""
    if value in (None, ""):
        return Decimal("0")
    return _decimal(value, step=RATE_STEP, errors=errors, label=label)


def _product(value: Product | int | str | None) -> Product | None:
    if value in (None, ""):
        return None
    if isinstance(value, Product):
        return value
    try:
        return Product.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


def clean_items(*, items: Sequence[LineInput], customer: Customer) -> list[CleanedLine]:
    """Validate the lines and compute their amounts; ValidationFailed on any bad row
    (field "items", one message per problem, prefixed with the row number)."""
    if len(items) > MAX_ITEMS:
        raise ValidationFailed(
            field_errors={"items": [_("At most %(n)d items.") % {"n": MAX_ITEMS}]}
        )
    errors: list[str] = []
    cleaned: list[CleanedLine] = []
    for index, raw in enumerate(items, start=1):
        row_errors: list[str] = []
        product = _product(raw.product)
        if raw.product not in (None, "") and product is None:
            row_errors.append(_("Choose a valid product."))
        description = str(raw.description or (product.name if product else "")).strip()
        if not description:
            row_errors.append(_("Enter a description or choose a product."))
        unit = str(raw.unit or (product.unit if product else "")).strip()
        quantity = _decimal(
            raw.quantity, step=QUANTITY_STEP, errors=row_errors, label=_("Quantity")
        )
        if quantity is not None and not (0 < quantity <= MAX_QUANTITY):
            row_errors.append(_("Quantity must be greater than zero."))
        price_value = raw.unit_price
        if price_value in (None, "") and product is not None:
            price_value = price_for(product=product, customer=customer)
        unit_price = _decimal(
            price_value if price_value not in (None, "") else None,
            step=money.FEN,
            errors=row_errors,
            label=_("Unit price"),
        )
        if unit_price is not None and not (0 <= unit_price <= money.MAX_AMOUNT):
            row_errors.append(_("The unit price must not be negative."))
        discount_rate = _rate(raw.discount_rate, errors=row_errors, label=_("Discount"))
        if discount_rate is not None and not (0 <= discount_rate <= 1):
            row_errors.append(_("The discount must be between 0 and 100 %."))
        tax_value = raw.tax_rate
        if tax_value in (None, "") and product is not None:
            tax_value = product.tax_rate
        tax_rate = _rate(tax_value, errors=row_errors, label=_("Tax rate"))
        if tax_rate is not None and not (0 <= tax_rate < 1):
            row_errors.append(_("The tax rate must be below 100 %."))
        if len(description) > 200 or len(unit) > 10:
            row_errors.append(_("Description or unit too long."))
        # A number read as None has its row error already.
        if (
            row_errors
            or quantity is None
            or unit_price is None
            or discount_rate is None
            or tax_rate is None
        ):
            errors.extend(
                _("Row %(n)d: %(error)s") % {"n": index, "error": error} for error in row_errors
            )
            continue
        cleaned.append(
            CleanedLine(
                id=parse_id(raw.id),
                position=index,
                product=product,
                description=description,
                unit=unit,
                quantity=quantity,
                unit_price=unit_price,
                discount_rate=discount_rate,
                tax_rate=tax_rate,
            )
        )
    if errors:
        raise ValidationFailed(field_errors={"items": errors})
    totals = money.document_totals(row.amounts for row in cleaned)
    if totals.total > money.MAX_AMOUNT or totals.gross > money.MAX_AMOUNT:
        raise ValidationFailed(field_errors={"items": [_("The contract total is too large.")]})
    return cleaned


def _apply_totals(contract: Contract, rows: list[CleanedLine]) -> None:
    totals = money.document_totals(row.amounts for row in rows)
    for field, value in money.amount_fields(totals).items():
        setattr(contract, field, value)


def _replace_items(contract: Contract, rows: list[CleanedLine]) -> None:
    """Draft: the lines are replaced as a whole."""
    ContractItem.objects.filter(contract_id=contract.pk).delete()
    ContractItem.objects.bulk_create(
        [ContractItem(contract=contract, **line_item_fields(line=row)) for row in rows]
    )


def _item_snapshot(item: ContractItem) -> dict[str, Any]:
    return {"id": item.pk, **item_terms(item=item), "total": str(item.total_amount)}


def _clean_header(head: ContractHead, *, customer: Customer, partial: bool) -> dict[str, Any]:
    """Validate the header fields given (all of them unless partial)."""
    data = head.given()
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "title" in data or not partial:
        title = str(data.get("title") or "").strip()
        if not title:
            errors["title"] = [_("Enter a title.")]
        elif len(title) > 200:
            errors["title"] = [_("At most 200 characters.")]
        cleaned["title"] = title
    if "terms" in data or not partial:
        terms = str(data.get("terms") or "")
        if len(terms) > 20000:
            errors["terms"] = [_("At most 20,000 characters.")]
        cleaned["terms"] = terms
    if "signing_contact" in data or not partial:
        value = data.get("signing_contact")
        contact = None
        if value not in (None, ""):
            contact_id = value.pk if isinstance(value, Contact) else value
            try:
                contact = Contact.objects.filter(
                    pk=int(contact_id), customer_id=customer.pk
                ).first()
            except (TypeError, ValueError):
                contact = None
            if contact is None:
                errors["signing_contact"] = [_("Choose a contact of this customer.")]
        cleaned["signing_contact"] = contact
    for field in ("signed_on", "starts_on", "ends_on"):
        if field in data or not partial:
            cleaned[field] = clean_date(data.get(field), field=field, errors=errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned


def _check_dates(contract: Contract) -> None:
    if contract.starts_on and contract.ends_on and contract.ends_on < contract.starts_on:
        raise ValidationFailed(
            field_errors={"ends_on": [_("The end must not be before the start.")]}
        )
    if contract.signed_on and contract.signed_on > timezone.localdate():
        raise ValidationFailed(
            field_errors={"signed_on": [_("The signing date cannot be in the future.")]}
        )


def contract_timeline_add(
    *,
    contract: Contract,
    title: str,
    actor: User | None,
    body: str = "",
    data: dict[str, Any] | None = None,
    occurred_at: dt.datetime | None = None,
) -> None:
    """An event of `contract` on its customer's timeline, naming the contract (its id and
    number) beside the event's own `data`."""
    timeline_add(
        customer=contract.customer,
        kind="contract",
        title=title,
        body=body,
        actor=actor,
        occurred_at=occurred_at,
        ref=contract,
        data={"contract": contract.pk, "number": contract.number, **(data or {})},
    )


def _set_status(contract: Contract, status: str) -> None:
    _check_transition(contract, status)
    contract.status = status
    contract.version += 1


# ---------------------------------------------------------------- create and edit


@transaction.atomic
def contract_create(
    *,
    actor: User,
    customer: Customer | int,
    title: str,
    items: Sequence[LineInput],
    signing_contact: Contact | int | None = None,
    terms: str = "",
    starts_on: dt.date | str | None = None,
    ends_on: dt.date | str | None = None,
    signed_on: dt.date | str | None = None,
    quote: Quote | int | None = None,
) -> Contract:
    customer_id = customer.pk if isinstance(customer, Customer) else customer
    locked_customer = (
        Customer.objects.editable_by(actor, action=EDIT_OTHERS, shared=False)
        .filter(pk=customer_id)
        .select_related(None)
        .first()
        if customer_id not in (None, "")
        else None
    )
    # shared=False: a collaborator (协作人) would draft a contract that is the owner's and out
    # of their own sight (money is seen by the owner's line, scope.py)
    if locked_customer is None:
        raise ValidationFailed(field_errors={"customer": [_("Choose a customer you may work on.")]})
    header = _clean_header(
        ContractHead(
            title=title,
            signing_contact=signing_contact,
            terms=terms,
            starts_on=starts_on,
            ends_on=ends_on,
            signed_on=signed_on,
        ),
        customer=locked_customer,
        partial=False,
    )
    rows = clean_items(items=items, customer=locked_customer)
    if not rows:
        raise ValidationFailed(field_errors={"items": [_("Add at least one item.")]})
    contract = Contract(
        customer=locked_customer,
        owner_id=locked_customer.owner_id,
        department_id=locked_customer.department_id,
        quote_id=getattr(quote, "pk", quote),
        status=S.DRAFT,
        created_by=actor if getattr(actor, "pk", None) else None,
        **header,
    )
    _check_dates(contract)
    _apply_totals(contract, rows)
    contract.number = numbers.next_number(numbers.CONTRACT)
    contract.save()
    _replace_items(contract, rows)
    contract_timeline_add(
        contract=contract,
        title=_("Contract %(number)s drafted: %(title)s")
        % {"number": contract.number, "title": contract.title},
        actor=actor,
        data={"status": contract.status, "total": str(contract.total_amount)},
    )
    return contract


@transaction.atomic
def contract_update(
    *,
    actor: User,
    contract: Contract | int,
    version: int | str | None,
    data: ContractHead,
    items: Sequence[LineInput] | None = None,
) -> Contract:
    locked = contract_lock(actor=actor, contract=contract)
    try:
        expected = int(version) if version is not None else None
    except (TypeError, ValueError):
        expected = None
    if expected is None:
        raise ValidationFailed(field_errors={"version": [_("Missing version.")]})
    if locked.version != expected:
        raise Conflict()
    if locked.status != S.DRAFT:
        raise Conflict(
            _(
                "Only a draft can be edited; this contract is “%(status)s”. "
                "A signed contract changes only through an amendment."
            )
            % {"status": _status_label(locked.status)},
            code="not_editable",
        )
    header = _clean_header(data, customer=locked.customer, partial=True)
    for field, value in header.items():
        setattr(locked, field, value)
    _check_dates(locked)
    if items is not None:
        rows = clean_items(items=items, customer=locked.customer)
        if not rows:
            raise ValidationFailed(field_errors={"items": [_("Add at least one item.")]})
        _apply_totals(locked, rows)
        _replace_items(locked, rows)
    locked.version += 1
    locked.save()
    _copy_back(locked, contract)
    return locked


# ---------------------------------------------------------------- approval and signing


def _sign(contract: Contract, *, actor: User) -> None:
    """Status SIGNED (row locked by the caller): copies, win, timeline, audit, hook."""
    _set_status(contract, S.SIGNED)
    if contract.signed_on is None:
        contract.signed_on = timezone.localdate()
    contract.save()
    sync.contract_copies_refresh(contract)
    prospect_mark_won(
        customer=contract.customer,
        actor=actor,
        note=_("Contract %(number)s signed.") % {"number": contract.number},
    )
    contract_timeline_add(
        contract=contract,
        title=_("Contract %(number)s signed: %(total)s")
        % {"number": contract.number, "total": contract.total_amount},
        actor=actor,
        data={"status": contract.status, "total": str(contract.total_amount)},
    )
    audit_record(
        actor=actor,
        action=AUDIT_SIGN,
        target=contract,
        summary=contract.number,
        values={"total_amount": contract.total_amount},
        detail={"total": str(contract.total_amount), "signed_on": str(contract.signed_on)},
    )
    hooks.contract_won.call_all(contract=contract, actor=actor)


def _check_ready_to_submit(contract: Contract) -> None:
    if not contract.items.exists():
        raise ValidationFailed(field_errors={"items": [_("Add at least one item.")]})
    if contract.total_amount <= 0:
        raise ValidationFailed(
            field_errors={"items": [_("The contract total must be above zero.")]}
        )
    planned = contract.instalments.aggregate(total=Sum("amount"))["total"]
    if planned is not None and planned != contract.total_amount:
        raise ValidationFailed(
            field_errors={
                "instalments": [
                    _(
                        "The payment plan adds up to %(planned)s but the contract total is "
                        "%(total)s; correct the plan first."
                    )
                    % {"planned": planned, "total": contract.total_amount}
                ]
            }
        )


@transaction.atomic
def contract_submit(*, actor: User, contract: Contract | int) -> Contract:
    """Draft → in approval (a flow matches) or signed at once (none matches)."""
    locked = contract_lock(actor=actor, contract=contract)
    _check_transition(locked, S.IN_APPROVAL)
    _check_ready_to_submit(locked)
    product_ids = sorted(
        {pid for pid in locked.items.values_list("product_id", flat=True) if pid is not None}
    )
    approval = approvals.approval_submit(
        actor=actor,
        target="contract",
        record=locked,
        amount=locked.total_amount,
        department_id=locked.department_id,
        product_ids=product_ids,
        title=f"{locked.number} {locked.title}",
    )
    if approval is None:
        _sign(locked, actor=actor)
    else:
        _set_status(locked, S.IN_APPROVAL)
        locked.save()
        contract_timeline_add(
            contract=locked,
            title=_("Contract %(number)s submitted for approval") % {"number": locked.number},
            actor=actor,
            data={"status": locked.status, "approval": approval.pk},
        )
        audit_record(
            actor=actor,
            action=AUDIT_SUBMIT,
            target=locked,
            summary=locked.number,
            values={"total_amount": locked.total_amount},
            detail={"approval": approval.pk},
        )
    _copy_back(locked, contract)
    return locked


def contract_approval_finished(*, record_id: int, outcome: str, actor: User) -> None:
    """Finisher for approval target "contract" (registered in sales.wiring): approved →
    signed; rejected or withdrawn → back to draft. Runs in the approval's transaction."""
    locked = Contract.objects.select_for_update(of=("self",)).filter(pk=record_id).first()
    if locked is None or locked.status != S.IN_APPROVAL:
        return
    if outcome == "approved":
        _sign(locked, actor=actor)
        return
    _set_status(locked, S.DRAFT)
    locked.save()
    title = (
        _("Contract %(number)s rejected in approval")
        if outcome == "rejected"
        else _("Contract %(number)s withdrawn from approval")
    )
    contract_timeline_add(
        contract=locked,
        title=title % {"number": locked.number},
        actor=actor,
        data={"outcome": outcome},
    )
    audit_record(
        actor=actor,
        action=AUDIT_RETURN,
        target=locked,
        summary=locked.number,
        detail={"outcome": outcome},
    )


# ---------------------------------------------------------------- execution


@transaction.atomic
def contract_start(*, actor: User, contract: Contract | int) -> Contract:
    locked = contract_lock(actor=actor, contract=contract)
    _set_status(locked, S.EXECUTING)
    locked.save()
    audit_record(actor=actor, action=AUDIT_START, target=locked, summary=locked.number)
    _copy_back(locked, contract)
    return locked


@transaction.atomic
def contract_mark_executing(*, contract: Contract | int, actor: User | None = None) -> Contract:
    """SIGNED → EXECUTING on the first order, delivery or payment; a no-op otherwise.
    Called by the other areas inside their transaction (no scope check: they did it)."""
    pk = contract.pk if isinstance(contract, Contract) else contract
    locked = Contract.objects.select_for_update(of=("self",)).get(pk=pk)
    if locked.status == S.SIGNED:
        _set_status(locked, S.EXECUTING)
        locked.save(update_fields=["status", "version", "updated_at"])
    if isinstance(contract, Contract):
        contract.status = locked.status
        contract.version = locked.version
    return locked


def contract_mark_executing_if_signed(*, contract: Contract, actor: User | None = None) -> None:
    """contract_mark_executing for an area that holds the contract's row locked: no query at
    all unless that row is still SIGNED (its first order, delivery, stock-out or payment)."""
    if contract.status == S.SIGNED:
        contract_mark_executing(contract=contract, actor=actor)


@transaction.atomic
def contract_complete(*, actor: User, contract: Contract | int) -> Contract:
    locked = contract_lock(actor=actor, contract=contract)
    _check_transition(locked, S.COMPLETED)
    if locked.paid_amount < locked.total_amount:
        raise Conflict(
            _(
                "The contract can be completed only when fully collected: %(paid)s of "
                "%(total)s received."
            )
            % {"paid": money.yuan(locked.paid_amount), "total": money.yuan(locked.total_amount)},
            code="not_collected",
        )
    locked.completed_at = timezone.now()
    _close(
        locked,
        S.COMPLETED,
        actor=actor,
        title=_("Contract %(number)s completed") % {"number": locked.number},
        action=AUDIT_COMPLETE,
        summary=locked.number,
    )
    _copy_back(locked, contract)
    return locked


@transaction.atomic
def contract_terminate(*, actor: User, contract: Contract | int, reason: str) -> Contract:
    locked = contract_lock(actor=actor, contract=contract)
    reason = str(reason or "").strip()
    if locked.status == S.IN_APPROVAL:
        raise Conflict(
            _("A contract cannot go from “%(old)s” to “%(new)s”: withdraw the approval first.")
            % {"old": _status_label(locked.status), "new": _status_label(S.TERMINATED)},
            code="illegal_transition",
        )
    _check_transition(locked, S.TERMINATED)
    if locked.status != S.DRAFT and not user_can(user=actor, permission=TERMINATE_CONTRACT):
        raise PermissionDenied(_("You may not terminate a signed contract."))
    if not reason:
        raise ValidationFailed(field_errors={"reason": [_("Give the reason for termination.")]})
    if len(reason) > 2000:
        raise ValidationFailed(field_errors={"reason": [_("At most 2,000 characters.")]})
    old = locked.status
    locked.terminated_reason = reason
    locked.terminated_at = timezone.now()
    _close(
        locked,
        S.TERMINATED,
        actor=actor,
        title=_("Contract %(number)s terminated") % {"number": locked.number},
        body=reason,
        data={"from": old},
        action=AUDIT_TERMINATE,
        summary=f"{locked.number}: {reason}",
        detail={"from": old, "reason": reason},
    )
    _copy_back(locked, contract)
    return locked


def _close(
    contract: Contract,
    status: str,
    *,
    actor: User,
    title: str,
    action: str,
    summary: str,
    body: str = "",
    data: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """The end of a contract (completed or terminated), its row locked and its own fields set
    by the caller: the status saved, the copies on its records refreshed, the customer's
    timeline and the audit log told."""
    _set_status(contract, status)
    contract.save()
    sync.contract_copies_refresh(contract)
    contract_timeline_add(
        contract=contract,
        title=title,
        body=body,
        actor=actor,
        data={"status": contract.status, **(data or {})},
    )
    audit_record(actor=actor, action=action, target=contract, summary=summary, detail=detail)


# ---------------------------------------------------------------- amendment


def _used_quantities(contract: Contract) -> dict[int, Decimal]:
    """Per item, the least quantity it must keep: Σ planned on live orders, Σ stocked out."""
    used: dict[int, Decimal] = {}
    planned = (
        DeliveryPlan.objects.filter(contract_item__contract_id=contract.pk)
        .exclude(order__status=Order.Status.CANCELLED)
        .values("contract_item_id")
        .annotate(total=Sum("quantity"))
    )
    for row in planned:
        used[row["contract_item_id"]] = max(used.get(row["contract_item_id"], 0), row["total"])
    outs = (
        StockOut.objects.filter(contract_id=contract.pk)
        .values("contract_item_id")
        .annotate(total=Sum("quantity"))
    )
    for row in outs:
        used[row["contract_item_id"]] = max(used.get(row["contract_item_id"], 0), row["total"])
    return used


def _referenced_items(contract: Contract) -> set[int]:
    ids = set(
        DeliveryPlan.objects.filter(contract_item__contract_id=contract.pk).values_list(
            "contract_item_id", flat=True
        )
    )
    ids |= set(
        StockOut.objects.filter(contract_id=contract.pk).values_list("contract_item_id", flat=True)
    )
    return ids


def _amend_items(
    contract: Contract, rows: list[CleanedLine]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Update lines by id, add new ones, remove the unlisted ones — keeping every line that
    orders or stock-outs refer to, at no less than what they use."""
    existing = {item.pk: item for item in contract.items.all()}
    before = [_item_snapshot(item) for item in existing.values()]
    errors: list[str] = []
    for row in rows:
        if row.id is not None and row.id not in existing:
            errors.append(_("Row %(n)d: not a line of this contract.") % {"n": row.position})
    kept = {row.id for row in rows if row.id is not None}
    used = _used_quantities(contract)
    referenced = _referenced_items(contract)
    for item_id, item in existing.items():
        if item_id not in kept and item_id in referenced:
            errors.append(
                _("“%(item)s” has orders or stock-outs and cannot be removed.")
                % {"item": item.description}
            )
    for row in rows:
        need = used.get(row.id) if row.id is not None else None
        if need is not None and row.quantity < need:
            errors.append(
                _("Row %(n)d: the quantity cannot go below %(used)s already ordered or shipped.")
                % {"n": row.position, "used": need.normalize()}
            )
    if errors:
        raise ValidationFailed(field_errors={"items": errors})
    ContractItem.objects.filter(contract_id=contract.pk).exclude(pk__in=kept).delete()
    for row in rows:
        fields = line_item_fields(line=row)
        if row.id is not None:
            ContractItem.objects.filter(pk=row.id).update(**fields)
        else:
            ContractItem.objects.create(contract=contract, **fields)
    after = [_item_snapshot(item) for item in ContractItem.objects.filter(contract_id=contract.pk)]
    return before, after


def _jsonable(value: object) -> object:
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, Contact):
        return {"id": value.pk, "name": value.name}
    return str(value)


@transaction.atomic
def contract_amend(
    *,
    actor: User,
    contract: Contract | int,
    reason: str,
    data: ContractHead,
    items: Sequence[LineInput] | None = None,
    instalments: Sequence[InstalmentInput] | None = None,
) -> ContractAmendment:
    """Change a signed or executing contract (补充协议): permission sales.amend, a reason,
    the before/after diff in ContractAmendment.changes and an audit row. The total may
    change only if it stays ≥ what was paid and invoiced; when a payment plan exists, a new
    plan adding up to the new total must be given (set in the same transaction)."""
    locked = contract_lock(actor=actor, contract=contract)
    if not user_can(user=actor, permission=AMEND_CONTRACT):
        raise PermissionDenied(_("You may not amend contracts."))
    if locked.status not in (S.SIGNED, S.EXECUTING):
        raise Conflict(
            _("Only a signed or executing contract can be amended; this one is “%(status)s”.")
            % {"status": _status_label(locked.status)},
            code="not_amendable",
        )
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": [_("Give the reason for the amendment.")]})
    if len(reason) > 2000:
        raise ValidationFailed(field_errors={"reason": [_("At most 2,000 characters.")]})
    header = _clean_header(data, customer=locked.customer, partial=True)
    changes: dict[str, Any] = {}
    for field, value in header.items():
        old = getattr(locked, field)
        if old != value:
            changes[field] = [_jsonable(old), _jsonable(value)]
            setattr(locked, field, value)
    if locked.signed_on is None:
        raise ValidationFailed(field_errors={"signed_on": [_("A signed contract needs its date.")]})
    _check_dates(locked)
    total_before = locked.total_amount
    rows = None
    if items is not None:
        rows = clean_items(items=items, customer=locked.customer)
        if not rows:
            raise ValidationFailed(field_errors={"items": [_("Add at least one item.")]})
        _apply_totals(locked, rows)
        if locked.total_amount <= 0:
            raise ValidationFailed(
                field_errors={"items": [_("The contract total must be above zero.")]}
            )
        if locked.total_amount < locked.paid_amount:
            raise ValidationFailed(
                field_errors={
                    "items": [
                        _("The new total %(total)s is below the %(paid)s already collected.")
                        % {"total": locked.total_amount, "paid": locked.paid_amount}
                    ]
                }
            )
        if locked.total_amount < locked.invoiced_amount:
            raise ValidationFailed(
                field_errors={
                    "items": [
                        _("The new total %(total)s is below the %(invoiced)s already invoiced.")
                        % {"total": locked.total_amount, "invoiced": locked.invoiced_amount}
                    ]
                }
            )
        before_items, after_items = _amend_items(locked, rows)
        if before_items != after_items:
            changes["items"] = {"before": before_items, "after": after_items}
    has_plan = locked.instalments.exists()
    if locked.total_amount != total_before:
        changes["total_amount"] = [str(total_before), str(locked.total_amount)]
        followed = (
            [r for r in amendment_total_change.call_all(contract=locked) if r]
            if has_plan and instalments is None
            else []
        )
        if followed:
            plan_before, plan_after = followed[0]
            changes["instalments"] = {"before": plan_before, "after": plan_after}
        elif has_plan and instalments is None:
            raise ValidationFailed(
                field_errors={
                    "instalments": [
                        _("The total changes: give a new payment plan adding up to %(total)s.")
                        % {"total": locked.total_amount}
                    ]
                }
            )
    if not changes and instalments is None:
        raise ValidationFailed(field_errors={"__all__": [_("The amendment changes nothing.")]})
    locked.amendment_count += 1
    locked.version += 1
    locked.save()
    if instalments is not None:
        plan_changes = amendment_plan_change.call_all(
            actor=actor, contract=locked, plan=instalments
        )
        if not plan_changes:
            raise ImproperlyConfigured("Nothing changes a payment plan (sales.wiring).")
        plan_before, plan_after = plan_changes[0]
        if plan_before != plan_after:
            changes["instalments"] = {"before": plan_before, "after": plan_after}
        locked.refresh_from_db()
        if not changes:
            raise ValidationFailed(field_errors={"__all__": [_("The amendment changes nothing.")]})
    amendment = ContractAmendment.objects.create(
        contract=locked,
        number=locked.amendment_count,
        reason=reason,
        changes=changes,
        total_before=total_before,
        total_after=locked.total_amount,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    contract_timeline_add(
        contract=locked,
        title=_("Contract %(number)s amended (#%(n)d)")
        % {"number": locked.number, "n": amendment.number},
        body=reason,
        actor=actor,
        data={"amendment": amendment.number, "fields": sorted(changes)},
    )
    audit_record(
        actor=actor,
        action=AUDIT_AMEND,
        target=locked,
        summary=f"{locked.number} #{amendment.number}: {reason}"[:300],
        detail={"amendment": amendment.number, "reason": reason, "changes": changes},
    )
    _copy_back(locked, contract)
    return amendment


# ---------------------------------------------------------------- from a quote


@transaction.atomic
def quote_convert(*, actor: User, quote: Quote | int, title: str = "") -> Contract:
    """Turn an accepted quote into a draft contract with the quote's lines (through
    contract_create), mark the quote converted and link the two."""
    locked = quote_lock(actor=actor, quote=quote)
    if locked.status != Quote.Status.ACCEPTED:
        if locked.status == Quote.Status.CONVERTED:
            raise Conflict(_("This quote has already been converted to a contract."))
        raise Conflict(_("Only an accepted quote can be converted to a contract."))
    title = (title or "").strip() or _("%(customer)s — quote %(number)s") % {
        "customer": locked.customer.name,
        "number": locked.number,
    }
    items = [
        LineInput(
            product=item.product_id,
            description=item.description,
            unit=item.unit,
            quantity=item.quantity,
            unit_price=item.unit_price,
            discount_rate=item.discount_rate,
            tax_rate=item.tax_rate,
        )
        for item in locked.items.all()
    ]
    contract = contract_create(
        actor=actor,
        customer=locked.customer,
        title=title[:200],
        items=items,
        signing_contact=locked.contact,
        quote=locked,
    )
    locked.status = Quote.Status.CONVERTED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="sales.quote_convert",
        target=locked,
        summary=f"{locked.number} → {contract.number}",
        detail={"contract": contract.pk},
    )
    return contract


# ---------------------------------------------------------------- handover


@transaction.atomic
def contracts_follow_handover(
    *, from_user: User, to_user: User, customer_ids: Iterable[int], **kwargs: object
) -> int:
    """The handed-over customers' open contracts and open quotes move to the new owner
    (customers.services.handover_extensions)."""
    ids = list(customer_ids)
    moved = 0
    for start in range(0, len(ids), 1000):
        batch = ids[start : start + 1000]
        contracts = list(
            Contract.objects.select_for_update(of=("self",))
            .filter(customer_id__in=batch, owner_id=from_user.pk, status__in=OPEN_STATUSES)
            .order_by("pk")
        )
        for contract in contracts:
            contract.owner_id = to_user.pk
            contract.department_id = to_user.department_id
            contract.save(update_fields=["owner", "department", "updated_at"])
            sync.contract_copies_refresh(contract)
        moved += len(contracts)
        Quote.objects.filter(
            customer_id__in=batch,
            owner_id=from_user.pk,
            status__in=(Quote.Status.DRAFT, Quote.Status.SENT, Quote.Status.ACCEPTED),
        ).update(owner_id=to_user.pk, department_id=to_user.department_id)
    return moved

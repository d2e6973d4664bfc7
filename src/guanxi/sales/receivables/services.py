"""Payment plans, payments and invoices (ORD-4, ORD-5): the writes.

Every write locks the contract row first (`select_for_update`), then the instalments it
changes in `sequence` order, so two payments on one contract run one after the other and
nothing is lost or booked twice. Stored sums are kept under that lock:

- Σ instalment.amount == contract.total_amount (a plan always adds up exactly);
- instalment.paid_amount == Σ its allocations, settled ⇔ paid_amount == amount;
- contract.paid_amount == Σ confirmed payments (allocated + accepted over-payment);
- contract.invoiced_amount == Σ issued invoices.

Payments and invoices go through the approval engine (`approvals.approval_submit`, targets
"payment" and "invoice"): when a flow matches, the record is PENDING and only counts once the
finisher (registered in `sales.wiring`) sees it approved.
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.core.audit import audit_record
from guanxi.core.dates import add_months
from guanxi.core.errors import Conflict, PermissionDenied, ValidationFailed, found
from guanxi.core.idempotency import idempotency_key_clean, idempotency_replay
from guanxi.core.unique_save import unique_or_invalid
from guanxi.customers.archive.services import timeline_add
from guanxi.customers.models import Customer, TimelineEvent
from guanxi.pipeline.prospects.services import prospect_mark_won
from guanxi.sales.approvals import services as approvals
from guanxi.sales.catalog.services import line_item_fields
from guanxi.sales.common import hooks, money, numbers, permissions, sync
from guanxi.sales.common.lines import LineInput
from guanxi.sales.common.permissions import EDIT_OTHERS
from guanxi.sales.common.scope import customer_locked_for_sale
from guanxi.sales.contracts.services import (
    InstalmentInput,
    clean_items,
    contract_lock,
    contract_mark_executing_if_signed,
    contract_timeline_add,
)
from guanxi.sales.models import (
    Approval,
    Contract,
    ContractItem,
    Instalment,
    Invoice,
    Order,
    Payment,
    PaymentAllocation,
    Product,
)

PAYABLE_STATUSES = (Contract.Status.SIGNED, Contract.Status.EXECUTING)
INVOICEABLE_STATUSES = (
    Contract.Status.SIGNED,
    Contract.Status.EXECUTING,
    Contract.Status.COMPLETED,
)
MAX_INSTALMENTS = 120
RATE_STEP = Decimal("0.0001")
_SEQUENCE_PARKING = 20000  # kept rows are moved out of the way while a plan is renumbered


# ---------------------------------------------------------------- helpers


def _yuan(amount: Decimal) -> str:
    return money.yuan(amount)


def _amount(
    value: Any, *, field: str, errors: dict[str, list[str]], positive: bool = True
) -> Decimal | None:
    """Parse a money amount: a number with at most two decimals, > 0 (or ≥ 0)."""
    try:
        amount = money.to_decimal(value)
    except (TypeError, ValueError):
        errors.setdefault(field, []).append(_("Enter an amount, for example 1280.50."))
        return None
    if amount != money.fen(amount):
        errors.setdefault(field, []).append(_("Use at most two decimals (fen)."))
        return None
    amount = money.fen(amount)
    if positive and amount <= 0:
        errors.setdefault(field, []).append(_("The amount must be greater than zero."))
        return None
    if amount > money.MAX_AMOUNT:
        errors.setdefault(field, []).append(_("The amount is too large."))
        return None
    return amount


def _date(
    value: Any, *, field: str, errors: dict[str, list[str]], not_future: bool = False
) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        errors.setdefault(field, []).append(_("Enter a date, for example 2026-03-31."))
        return None
    if not_future and value > timezone.localdate():
        errors.setdefault(field, []).append(_("The date must not be in the future."))
        return None
    return value


def _text(
    value: Any, *, field: str, errors: dict[str, list[str]], max_length: int, required: bool = False
) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if required and not text:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(text) > max_length:
        errors.setdefault(field, []).append(
            _("At most %(count)d characters.") % {"count": max_length}
        )
    return text


def _product_ids(contract: Contract) -> list[int]:
    return list(
        ContractItem.objects.filter(contract_id=contract.pk, product__isnull=False)
        .values_list("product_id", flat=True)
        .distinct()
    )


def _submit_for_approval(
    *,
    actor: User,
    target: str,
    record: Payment | Invoice,
    contract: Contract,
    amount: Decimal,
    title: str,
) -> Approval | None:
    """The approval engine's answer: an Approval (the record waits) or None (no flow)."""
    return approvals.approval_submit(
        actor=actor,
        target=target,
        record=record,
        amount=amount,
        department_id=contract.department_id,
        product_ids=lambda: _product_ids(contract),  # read only if a flow asks for it
        title=title,
    )


def _status_error(contract: Contract, allowed: Sequence[str]) -> ValidationFailed:
    names = "、".join(str(Contract.Status(status).label) for status in allowed)
    return ValidationFailed(
        _("Not possible while the contract is %(status)s; it must be %(allowed)s.")
        % {"status": contract.get_status_display(), "allowed": names}
    )


# ---------------------------------------------------------------- instalment plans


def propose_plan(
    *,
    total: Decimal,
    parts: int,
    first_due_on: dt.date,
    months_apart: int = 1,
    ratios: Sequence[Decimal | int] | None = None,
) -> list[InstalmentInput]:
    """A proposal for the plan form: `parts` instalments adding up exactly to `total`
    (equal parts, or by `ratios`), due `months_apart` months after each other.
    ValidationFailed (first_due_on) if the last one would fall after the year 9999."""
    amounts = money.split_by_ratios(total, ratios) if ratios else money.split_evenly(total, parts)
    plan: list[InstalmentInput] = []
    for index, amount in enumerate(amounts):
        try:
            due_on = add_months(first_due_on, index * months_apart)
        except ValueError:
            raise ValidationFailed(
                field_errors={"first_due_on": [_("Enter a valid date.")]}
            ) from None
        plan.append(InstalmentInput(due_on=due_on, amount=amount))
    return plan


def _clean_plan(plan: object, *, total: Decimal) -> list[dict[str, Any]]:
    if not isinstance(plan, list | tuple):
        raise ValidationFailed(field_errors={"plan": [_("Send a list of instalments.")]})
    if len(plan) > MAX_INSTALMENTS:
        raise ValidationFailed(
            field_errors={
                "plan": [_("At most %(count)d instalments.") % {"count": MAX_INSTALMENTS}]
            }
        )
    errors: dict[str, list[str]] = {}
    rows: list[dict[str, Any]] = []
    for index, raw in enumerate(plan):
        if not isinstance(raw, InstalmentInput):
            errors.setdefault(f"plan.{index}", []).append(_("Each instalment needs a date."))
            continue
        row_errors: dict[str, list[str]] = {}
        due_on = _date(raw.due_on, field="due_on", errors=row_errors)
        amount = _amount(raw.amount, field="amount", errors=row_errors)
        notes = _text(raw.notes, field="notes", errors=row_errors, max_length=200)
        for field, messages in row_errors.items():
            errors.setdefault(f"plan.{index}.{field}", []).extend(messages)
        rows.append({"due_on": due_on, "amount": amount, "notes": notes})
    if errors:
        raise ValidationFailed(field_errors=errors)
    for index in range(1, len(rows)):
        if rows[index]["due_on"] < rows[index - 1]["due_on"]:
            raise ValidationFailed(
                field_errors={
                    f"plan.{index}.due_on": [
                        _("Instalment %(number)d is due before the one above it.")
                        % {"number": index + 1}
                    ]
                }
            )
    planned = sum((row["amount"] for row in rows), money.ZERO)
    if planned != total:
        raise ValidationFailed(
            field_errors={
                "plan": [
                    _(
                        "The instalments add up to %(planned)s but the contract total is "
                        "%(total)s (difference %(difference)s)."
                    )
                    % {
                        "planned": _yuan(planned),
                        "total": _yuan(total),
                        "difference": _yuan(total - planned),
                    }
                ]
            }
        )
    return rows


@transaction.atomic
def contract_plan_on_signing(
    *, contract: Contract, actor: User | None = None, **kwargs: object
) -> Instalment | None:
    """Hook contract_won (inside the signing transaction): a contract signed without a
    payment plan is receivable in full on its signing date, as one instalment, so that it
    is in the receivables report, the ageing and the overdue lists and can take a payment
    like any other. A plan given later replaces it (instalments_set)."""
    if contract.total_amount <= 0 or Instalment.objects.filter(contract_id=contract.pk).exists():
        return None
    instalment = Instalment.objects.create(
        contract_id=contract.pk,
        **sync.contract_copies(contract, Instalment),
        sequence=1,
        due_on=contract.signed_on or timezone.localdate(),
        amount=contract.total_amount,
        on_signing=True,
    )
    audit_record(
        actor=actor,
        action="instalments_set",
        target=contract,
        summary=f"{contract.number}: 0 → 1",
        detail={
            "before": [],
            "after": [{"due": instalment.due_on.isoformat(), "amount": str(instalment.amount)}],
        },
    )
    return instalment


def contract_plan_follow_total(
    *, contract: Contract, **kwargs: object
) -> tuple[list[dict[str, str]], list[dict[str, str]]] | None:
    """Hook amendment_total_change (inside the amendment's transaction): the instalment made
    on signing without a plan follows the contract's new total, unless it has received more
    than that. Returns (before, after) rows, or None when the plan is the user's own and a
    new one must be given."""
    rows = list(Instalment.objects.select_for_update().filter(contract_id=contract.pk))
    if len(rows) != 1 or not rows[0].on_signing:
        return None
    instalment = rows[0]
    if instalment.paid_amount > contract.total_amount or contract.total_amount <= 0:
        return None
    before = [{"due_on": instalment.due_on.isoformat(), "amount": str(instalment.amount)}]
    instalment.amount = contract.total_amount
    instalment.settled = instalment.paid_amount == instalment.amount
    instalment.save(update_fields=["amount", "settled"])
    return before, [{"due_on": instalment.due_on.isoformat(), "amount": str(instalment.amount)}]


@transaction.atomic
def instalments_set(
    *, actor: User, contract: Contract, plan: Sequence[InstalmentInput]
) -> list[Instalment]:
    """Replace the contract's payment plan (回款计划).

    In DRAFT any plan adding up to the total. In SIGNED / EXECUTING instalments that already
    received money are kept as they are: the new plan must contain each of them with the
    same due date and amount (they keep their payments); the other rows replace the unpaid
    instalments and cover what is left. Other statuses: refused."""
    locked = contract_lock(actor=actor, contract=contract)
    allowed = (Contract.Status.DRAFT, *PAYABLE_STATUSES)
    if locked.status not in allowed:
        raise _status_error(locked, allowed)
    rows = _clean_plan(plan, total=locked.total_amount)
    existing = list(
        Instalment.objects.select_for_update().filter(contract_id=locked.pk).order_by("sequence")
    )
    touched = [inst for inst in existing if inst.paid_amount > 0]
    # each instalment with payments must reappear unchanged (same date and amount)
    keep: dict[int, Instalment] = {}
    for inst in touched:
        match = next(
            (
                index
                for index, row in enumerate(rows)
                if index not in keep
                and (row["due_on"], row["amount"]) == (inst.due_on, inst.amount)
            ),
            None,
        )
        if match is None:
            raise ValidationFailed(
                field_errors={
                    "plan": [
                        _(
                            "Instalment %(number)d (due %(due)s, %(amount)s) has received "
                            "%(paid)s; keep it in the plan with the same date and amount."
                        )
                        % {
                            "number": inst.sequence,
                            "due": inst.due_on.isoformat(),
                            "amount": _yuan(inst.amount),
                            "paid": _yuan(inst.paid_amount),
                        }
                    ]
                }
            )
        keep[match] = inst
    before = [
        {"due": inst.due_on.isoformat(), "amount": str(inst.amount), "paid": str(inst.paid_amount)}
        for inst in existing
    ]
    kept_ids = {inst.pk for inst in keep.values()}
    Instalment.objects.filter(contract_id=locked.pk).exclude(pk__in=kept_ids).delete()
    for offset, inst in enumerate(keep.values()):
        Instalment.objects.filter(pk=inst.pk).update(sequence=_SEQUENCE_PARKING + offset)
    copies = sync.contract_copies(locked, Instalment)
    result: list[Instalment] = []
    new_rows: list[Instalment] = []
    for index, row in enumerate(rows):
        sequence = index + 1
        kept = keep.get(index)
        if kept is not None:
            inst = kept
            inst.sequence = sequence
            inst.notes = row["notes"]
            inst.on_signing = False  # part of the plan the user gave now
            inst.save(update_fields=["sequence", "notes", "on_signing"])
        else:
            inst = Instalment(
                contract_id=locked.pk,
                **copies,
                sequence=sequence,
                due_on=row["due_on"],
                amount=row["amount"],
                notes=row["notes"],
            )
            new_rows.append(inst)
        result.append(inst)
    Instalment.objects.bulk_create(new_rows)
    if existing:
        audit_record(
            actor=actor,
            action="instalments_set",
            target=locked,
            summary=f"{locked.number}: {len(existing)} → {len(rows)}",
            detail={
                "before": before,
                "after": [
                    {"due_on": r["due_on"].isoformat(), "amount": str(r["amount"])} for r in rows
                ],
            },
        )
    return result


def _plan_rows(contract: Contract) -> list[dict[str, str]]:
    return [
        {"due_on": str(row.due_on), "amount": str(row.amount), "paid": str(row.paid_amount)}
        for row in Instalment.objects.filter(contract_id=contract.pk).order_by("sequence")
    ]


def contract_plan_change(
    *, actor: User, contract: Contract, plan: Sequence[InstalmentInput]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """A signed contract's new payment plan, for its amendment (contracts.services
    .amendment_plan_change): the plan rows before and after, for the amendment's record."""
    before = _plan_rows(contract)
    instalments_set(actor=actor, contract=contract, plan=plan)
    return before, _plan_rows(contract)


# ---------------------------------------------------------------- payments


def payment_fingerprint(
    *,
    contract_id: int,
    amount: Decimal,
    received_on: dt.date | None,
    method: str,
    reference: str,
    instalment_id: int | None,
    notes: str = "",
    accept_overpayment: bool = False,
) -> str:
    """What makes a retry "the same request" for an idempotency key: every input, so a key
    reused with anything different is refused rather than answered as a replay."""
    raw = "|".join(
        [
            str(contract_id),
            str(amount),
            received_on.isoformat() if received_on else "",
            method or "",
            reference or "",
            str(instalment_id or ""),
            notes or "",
            "over" if accept_overpayment else "",
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def _replay(*, actor: User | None, key: str | None, fingerprint: str) -> Payment | None:
    if not key or actor is None:
        return None
    return idempotency_replay(
        Payment.objects.filter(recorded_by_id=actor.pk, idempotency_key=key).first(),
        fingerprint=fingerprint,
        reused=_(
            "This idempotency key was already used for a different payment; "
            "use a new key for a new payment."
        ),
    )


def _allocate(
    *, payment: Payment, contract: Contract, instalment_id: int | None = None, accept: bool = False
) -> None:
    """Apply a payment to the contract's open instalments (the named one first, then the
    oldest first) under the lock; what is left beyond them is an over-payment, refused unless
    accepted. Updates instalments, allocations, payment and contract."""
    open_rows = list(
        Instalment.objects.select_for_update()
        .filter(contract_id=contract.pk, settled=False)
        .order_by("sequence")
    )
    if instalment_id is not None:
        open_rows.sort(key=lambda inst: (inst.pk != instalment_id, inst.sequence))
    applied, left = money.allocate_oldest_first(
        payment.amount, [inst.amount - inst.paid_amount for inst in open_rows]
    )
    if left > 0 and not accept:
        raise ValidationFailed(
            _(
                "This payment is %(over)s more than the contract still has open "
                "(%(open)s). Tick “accept over-payment” to record the difference as an "
                "over-payment, or correct the amount."
            )
            % {"over": _yuan(left), "open": _yuan(payment.amount - left)},
            field_errors={
                "amount": [
                    _("At most %(open)s is open on this contract.")
                    % {"open": _yuan(payment.amount - left)}
                ]
            },
        )
    allocations: list[PaymentAllocation] = []
    for inst, take in zip(open_rows, applied, strict=True):
        if take <= 0:
            continue
        inst.paid_amount += take
        inst.settled = inst.paid_amount == inst.amount
        Instalment.objects.filter(pk=inst.pk).update(
            paid_amount=inst.paid_amount, settled=inst.settled
        )
        allocations.append(PaymentAllocation(payment=payment, instalment=inst, amount=take))
    PaymentAllocation.objects.bulk_create(allocations)
    payment.unallocated_amount = left
    payment.overpayment_accepted = left > 0
    payment.status = Payment.Status.CONFIRMED
    payment.save(update_fields=["unallocated_amount", "overpayment_accepted", "status"])
    contract.paid_amount += payment.amount
    contract.save(update_fields=["paid_amount", "updated_at"])


def _clean_payment(
    *,
    amount: Any,
    received_on: Any,
    method: str,
    reference: Any,
    notes: Any,
    instalment: Instalment | int | None,
) -> tuple[Decimal, dt.date, str, str, int | None]:
    errors: dict[str, list[str]] = {}
    cleaned_amount = _amount(amount, field="amount", errors=errors)
    day = _date(received_on, field="received_on", errors=errors, not_future=True)
    if method not in Payment.Method.values:
        errors.setdefault("method", []).append(_("Choose how the money was paid."))
    reference = _text(reference, field="reference", errors=errors, max_length=80)
    notes = _text(notes, field="notes", errors=errors, max_length=200)
    instalment_id = None
    if instalment is not None:
        instalment_id = instalment.pk if isinstance(instalment, Instalment) else instalment
        if not isinstance(instalment_id, int):
            errors.setdefault("instalment", []).append(_("Choose an instalment of this contract."))
            instalment_id = None
    if errors or cleaned_amount is None or day is None:
        raise ValidationFailed(field_errors=errors)
    return cleaned_amount, day, reference, notes, instalment_id


@transaction.atomic
def payment_record(
    *,
    actor: User,
    contract: Contract,
    amount: Decimal | str,
    received_on: dt.date | str,
    method: str,
    reference: str = "",
    notes: str = "",
    instalment: Instalment | int | None = None,
    accept_overpayment: bool = False,
    idempotency_key: str | None = None,
) -> tuple[Payment, bool]:
    """Record a payment received (回款). Returns (payment, created): a retry with the same
    idempotency key and the same request returns the first payment and False."""
    amount, received_on, reference, notes, instalment_id = _clean_payment(
        amount=amount,
        received_on=received_on,
        method=method,
        reference=reference,
        notes=notes,
        instalment=instalment,
    )
    key = idempotency_key_clean(idempotency_key, field="idempotency_key")
    fingerprint = payment_fingerprint(
        contract_id=contract.pk,
        amount=amount,
        received_on=received_on,
        method=method,
        reference=reference,
        instalment_id=instalment_id,
        notes=notes,
        accept_overpayment=bool(accept_overpayment),
    )
    locked = contract_lock(actor=actor, contract=contract)
    replayed = _replay(actor=actor, key=key, fingerprint=fingerprint)
    if replayed is not None:
        return replayed, False
    if locked.status not in PAYABLE_STATUSES:
        raise _status_error(locked, PAYABLE_STATUSES)
    requested = None
    if instalment_id is not None:
        requested = Instalment.objects.filter(pk=instalment_id, contract_id=locked.pk).first()
        if requested is None:
            raise ValidationFailed(
                field_errors={"instalment": [_("Choose an instalment of this contract.")]}
            )
        if requested.settled:
            raise ValidationFailed(
                field_errors={"instalment": [_("This instalment is already paid in full.")]}
            )
    elif not Instalment.objects.filter(contract_id=locked.pk).exists():
        raise ValidationFailed(
            _("This contract has no payment plan yet; set the instalments first.")
        )
    payment = Payment(
        contract_id=locked.pk,
        customer_id=locked.customer_id,
        **sync.contract_copies(locked, Payment),
        amount=amount,
        received_on=received_on,
        method=method,
        reference=reference,
        notes=notes,
        status=Payment.Status.PENDING,
        overpayment_accepted=bool(accept_overpayment),
        idempotency_key=key,
        request_fingerprint=fingerprint if key else "",
        requested_instalment_id=instalment_id,
        recorded_by=actor,
    )
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError:
        # another request with the same key won the race: answer like a replay
        replayed = _replay(actor=actor, key=key, fingerprint=fingerprint)
        if replayed is not None:
            return replayed, False
        raise
    approval = _submit_for_approval(
        actor=actor,
        target="payment",
        record=payment,
        contract=locked,
        amount=amount,
        title=f"{locked.number} {_('payment')} {_yuan(amount)}",
    )
    if approval is None:
        _payment_confirm(payment=payment, contract=locked, actor=actor)
    else:
        _check_pending_fits(payment=payment, contract=locked, accept=bool(accept_overpayment))
    _audit(
        actor=actor,
        action="payment_record",
        record=payment,
        contract=locked,
        summary=locked.number,
        values={"amount": amount, "status": payment.status},
        unallocated=str(payment.unallocated_amount),
        status=payment.status,
        instalment=instalment_id,
    )
    _copy_back(contract, locked)
    return payment, True


def _payment_confirm(*, payment: Payment, contract: Contract, actor: User) -> None:
    """A payment that counts (recorded without an approval, or approved): applied as it
    asked to the contract's open instalments, the contract executing from its first payment,
    the hook told."""
    _allocate(
        payment=payment,
        contract=contract,
        instalment_id=payment.requested_instalment_id,
        accept=payment.overpayment_accepted,
    )
    contract_mark_executing_if_signed(contract=contract, actor=actor)
    hooks.payment_received.call_all(payment=payment, contract=contract, actor=actor)


def _audit(
    *,
    actor: User,
    action: str,
    record: Payment | Invoice,
    contract: Contract,
    summary: str,
    values: dict[str, Any] | None = None,
    **detail: object,
) -> None:
    """The audit row of a payment or an invoice, naming its contract and amount."""
    audit_record(
        actor=actor,
        action=action,
        target=record,
        summary=summary,
        values=values,
        detail={"contract": contract.pk, "amount": str(record.amount), **detail},
    )


def _check_pending_fits(*, payment: Payment, contract: Contract, accept: bool) -> None:
    """A payment waiting for approval is refused now if it would already be an
    over-payment (counting the other pending ones), unless accepted."""
    if accept:
        return
    open_total = Instalment.objects.filter(contract_id=contract.pk, settled=False).aggregate(
        total=Sum("amount"), paid=Sum("paid_amount")
    )
    open_amount = (open_total["total"] or money.ZERO) - (open_total["paid"] or money.ZERO)
    pending = (
        Payment.objects.filter(contract_id=contract.pk, status=Payment.Status.PENDING)
        .exclude(pk=payment.pk)
        .aggregate(total=Sum("amount"))["total"]
        or money.ZERO
    )
    room = max(open_amount - pending, money.ZERO)
    if payment.amount > room:
        raise ValidationFailed(
            _(
                "This payment is %(over)s more than the contract still has open "
                "(%(open)s, after payments awaiting approval). Tick “accept over-payment” "
                "to record the difference as an over-payment, or correct the amount."
            )
            % {"over": _yuan(payment.amount - room), "open": _yuan(room)},
            field_errors={
                "amount": [_("At most %(open)s is open on this contract.") % {"open": _yuan(room)}]
            },
        )


def _copy_back(contract: Contract, locked: Contract) -> None:
    """Keep the caller's instance in step with what was saved."""
    if contract is not locked:
        contract.paid_amount = locked.paid_amount
        contract.invoiced_amount = locked.invoiced_amount
        contract.status = locked.status


def _close_unapproved(row: Payment | Invoice, *, outcome: str, actor: User | None) -> None:
    """The end of a payment or an invoice that its approval did not let through: rejected,
    or voided when it was withdrawn."""
    status = type(row).Status
    row.status = status.REJECTED if outcome == "rejected" else status.VOIDED
    if outcome != "rejected":
        row.void_reason = _("Withdrawn from approval.")
        row.voided_at = timezone.now()
        row.voided_by = actor if getattr(actor, "pk", None) else None
    row.save(update_fields=["status", "void_reason", "voided_at", "voided_by"])


def _approval_finish[R: (Payment, Invoice)](
    model: type[R],
    *,
    record_id: int,
    outcome: str,
    actor: User,
    approved: Callable[[R, Contract], None],
) -> None:
    """The end of a payment's or an invoice's approval (inside its transaction): approved,
    `approved(record, contract)` with the contract locked; rejected or withdrawn, the record
    is closed. A record that no longer waits is left as it is."""
    row = model.objects.select_for_update().filter(pk=record_id).first()
    if row is None or row.status != model.Status.PENDING:
        return
    if outcome == "approved":
        approved(row, Contract.objects.select_for_update().get(pk=row.contract_id))
        return
    _close_unapproved(row, outcome=outcome, actor=actor)


def payment_finish(*, record_id: int, outcome: str, actor: User) -> None:
    """Approval finisher for target "payment" (called inside the approval's transaction)."""

    def approved(payment: Payment, contract: Contract) -> None:
        if contract.status not in PAYABLE_STATUSES:
            raise _status_error(contract, PAYABLE_STATUSES)
        _payment_confirm(payment=payment, contract=contract, actor=actor)

    _approval_finish(Payment, record_id=record_id, outcome=outcome, actor=actor, approved=approved)


def _void_reason(reason: Any) -> str:
    errors: dict[str, list[str]] = {}
    text = _text(reason, field="reason", errors=errors, max_length=200, required=True)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return text


def _lock_for_void(
    *, actor: User, model: Any, record: Any, reason: Any, voidable: str, awaiting: str, refused: str
) -> tuple[str, Contract, Any]:
    """The start of voiding a payment or an invoice: the permission and the reason checked,
    the contract and then the record locked, the record in its `voidable` state (`awaiting`
    refuses one waiting for approval, `refused` names any other state)."""
    if not user_can(user=actor, permission=permissions.VOID_RECORDS):
        raise PermissionDenied(_("You may not void payments or invoices."))
    text = _void_reason(reason)
    locked = contract_lock(actor=actor, contract=record.contract)
    row = found(
        model.objects.select_for_update().filter(pk=record.pk, contract_id=locked.pk).first()
    )
    if row.status == model.Status.PENDING:
        raise ValidationFailed(awaiting)
    if row.status != voidable:
        raise ValidationFailed(refused % {"status": row.get_status_display()})
    return text, locked, row


def _mark_voided(row: Payment | Invoice, *, actor: User, reason: str) -> None:
    row.status = type(row).Status.VOIDED
    row.void_reason = reason
    row.voided_at = timezone.now()
    row.voided_by = actor
    row.save(update_fields=["status", "void_reason", "voided_at", "voided_by"])


@transaction.atomic
def payment_void(*, actor: User, payment: Payment, reason: str) -> Payment:
    """Void a confirmed payment (permission sales.void): its allocations are reversed and
    the contract's collected amount goes down. Audited."""
    reason, locked, row = _lock_for_void(
        actor=actor,
        model=Payment,
        record=payment,
        reason=reason,
        voidable=Payment.Status.CONFIRMED,
        awaiting=_("This payment is awaiting approval; withdraw it from the approval instead."),
        refused=_("Only a confirmed payment can be voided; this one is %(status)s."),
    )
    allocations = list(
        PaymentAllocation.objects.filter(payment_id=row.pk).order_by("instalment_id")
    )
    instalments = {
        inst.pk: inst
        for inst in Instalment.objects.select_for_update()
        .filter(pk__in=[a.instalment_id for a in allocations])
        .order_by("sequence")
    }
    for allocation in allocations:
        inst = instalments[allocation.instalment_id]
        inst.paid_amount -= allocation.amount
        inst.settled = False
        Instalment.objects.filter(pk=inst.pk).update(paid_amount=inst.paid_amount, settled=False)
    PaymentAllocation.objects.filter(payment_id=row.pk).delete()
    locked.paid_amount -= row.amount
    locked.save(update_fields=["paid_amount", "updated_at"])
    _mark_voided(row, actor=actor, reason=reason)
    _audit(
        actor=actor,
        action="payment_void",
        record=row,
        contract=locked,
        summary=f"{locked.number} {_yuan(row.amount)}: {reason}",
        reason=reason,
        allocations={str(a.instalment_id): str(a.amount) for a in allocations},
        unallocated=str(row.unallocated_amount),
    )
    payment.status, payment.void_reason = row.status, row.void_reason
    payment.voided_at, payment.voided_by = row.voided_at, row.voided_by
    return row


# ---------------------------------------------------------------- invoices


def _clean_invoice(
    *, number: Any, kind: str, amount: Any, tax_rate: Any, issued_on: Any, override_reason: Any
) -> tuple[str, Decimal, Decimal, dt.date, str]:
    errors: dict[str, list[str]] = {}
    text = _text(number, field="number", errors=errors, max_length=40, required=True)
    if kind not in Invoice.Kind.values:
        errors.setdefault("kind", []).append(_("Choose 普票 or 专票."))
    cleaned_amount = _amount(amount, field="amount", errors=errors)
    try:
        rate = money.to_decimal(tax_rate)
        if not (0 <= rate < 1) or rate != rate.quantize(RATE_STEP):
            raise ValueError
    except (TypeError, ValueError):
        errors.setdefault("tax_rate", []).append(
            _("Enter the tax rate as a fraction, for example 0.13 for 13 %.")
        )
        rate = None
    day = _date(issued_on, field="issued_on", errors=errors, not_future=True)
    reason = _text(override_reason, field="override_reason", errors=errors, max_length=200)
    if errors or cleaned_amount is None or rate is None or day is None:
        raise ValidationFailed(field_errors=errors)
    return text, cleaned_amount, rate, day, reason


@transaction.atomic
def invoice_record(
    *,
    actor: User,
    contract: Contract,
    number: str,
    kind: str,
    amount: Decimal | str,
    tax_rate: Decimal | str,
    issued_on: dt.date | str,
    payment: Payment | int | None = None,
    override_reason: str = "",
    notes: str = "",
) -> Invoice:
    """Record an invoice issued (开票). The invoiced total (issued + awaiting approval) must
    not exceed the contract total, unless `override_reason` is given by a user with
    sales.invoice_override: then the override is stored with its author and audited."""
    number, amount, rate, issued_on, reason = _clean_invoice(
        number=number,
        kind=kind,
        amount=amount,
        tax_rate=tax_rate,
        issued_on=issued_on,
        override_reason=override_reason,
    )
    errors: dict[str, list[str]] = {}
    notes = _text(notes, field="notes", errors=errors, max_length=200)
    if errors:
        raise ValidationFailed(field_errors=errors)
    locked = contract_lock(actor=actor, contract=contract)
    if locked.status not in INVOICEABLE_STATUSES:
        raise _status_error(locked, INVOICEABLE_STATUSES)
    payment_id = None
    if payment is not None:
        payment_id = payment.pk if isinstance(payment, Payment) else payment
        if not Payment.objects.filter(
            pk=payment_id, contract_id=locked.pk, status=Payment.Status.CONFIRMED
        ).exists():
            raise ValidationFailed(
                field_errors={"payment": [_("Choose a confirmed payment of this contract.")]}
            )
    if Invoice.objects.filter(kind=kind, number=number).exists():
        raise ValidationFailed(
            field_errors={"number": [_("An invoice of this type with this number exists.")]}
        )
    pending = (
        Invoice.objects.filter(contract_id=locked.pk, status=Invoice.Status.PENDING).aggregate(
            total=Sum("amount")
        )["total"]
        or money.ZERO
    )
    invoiced = locked.invoiced_amount + pending
    over = invoiced + amount > locked.total_amount
    if over:
        room = max(locked.total_amount - invoiced, money.ZERO)
        if not reason:
            raise ValidationFailed(
                _(
                    "Invoiced in total would be %(after)s, more than the contract total "
                    "%(total)s; at most %(room)s can still be invoiced."
                )
                % {
                    "after": _yuan(invoiced + amount),
                    "total": _yuan(locked.total_amount),
                    "room": _yuan(room),
                },
                field_errors={
                    "amount": [_("At most %(room)s can still be invoiced.") % {"room": _yuan(room)}]
                },
            )
        if not user_can(user=actor, permission=permissions.OVERRIDE_INVOICE):
            raise PermissionDenied(
                _("You may not invoice beyond the contract total; ask a sales manager.")
            )
    net, tax = money.tax_of_total(amount, rate)
    invoice = Invoice(
        contract_id=locked.pk,
        payment_id=payment_id,
        **sync.contract_copies(locked, Invoice),
        number=number,
        kind=kind,
        amount=amount,
        tax_rate=rate,
        net_amount=net,
        tax_amount=tax,
        issued_on=issued_on,
        status=Invoice.Status.PENDING,
        over_invoice_override=over,
        override_reason=reason if over else "",
        override_by=actor if over else None,
        notes=notes,
        recorded_by=actor,
    )
    with unique_or_invalid("number", _("An invoice of this type with this number exists.")):
        invoice.save()
    approval = _submit_for_approval(
        actor=actor,
        target="invoice",
        record=invoice,
        contract=locked,
        amount=amount,
        title=f"{locked.number} {_('invoice')} {number} {_yuan(amount)}",
    )
    if approval is None:
        _issue(invoice=invoice, contract=locked)
    _audit(
        actor=actor,
        action="invoice_override" if over else "invoice_record",
        record=invoice,
        contract=locked,
        summary=f"{locked.number} {invoice.get_kind_display()} {number} {_yuan(amount)}",
        status=invoice.status,
        override=over,
        override_reason=invoice.override_reason,
        invoiced_before=str(invoiced),
        contract_total=str(locked.total_amount),
    )
    _copy_back(contract, locked)
    return invoice


def _issue(*, invoice: Invoice, contract: Contract) -> None:
    invoice.status = Invoice.Status.ISSUED
    invoice.save(update_fields=["status"])
    contract.invoiced_amount += invoice.amount
    contract.save(update_fields=["invoiced_amount", "updated_at"])
    hooks.invoice_issued.call_all(invoice=invoice, contract=contract)


def invoice_finish(*, record_id: int, outcome: str, actor: User) -> None:
    """Approval finisher for target "invoice"."""

    def approved(invoice: Invoice, contract: Contract) -> None:
        _issue(invoice=invoice, contract=contract)

    _approval_finish(Invoice, record_id=record_id, outcome=outcome, actor=actor, approved=approved)


@transaction.atomic
def invoice_void(*, actor: User, invoice: Invoice, reason: str) -> Invoice:
    """Void an issued invoice (红冲/作废; permission sales.void). Audited."""
    reason, locked, row = _lock_for_void(
        actor=actor,
        model=Invoice,
        record=invoice,
        reason=reason,
        voidable=Invoice.Status.ISSUED,
        awaiting=_("This invoice is awaiting approval; withdraw it from the approval instead."),
        refused=_("Only an issued invoice can be voided; this one is %(status)s."),
    )
    locked.invoiced_amount -= row.amount
    locked.save(update_fields=["invoiced_amount", "updated_at"])
    _mark_voided(row, actor=actor, reason=reason)
    _audit(
        actor=actor,
        action="invoice_void",
        record=row,
        contract=locked,
        summary=f"{locked.number} {row.number} {_yuan(row.amount)}: {reason}",
        reason=reason,
    )
    invoice.status, invoice.void_reason = row.status, row.void_reason
    return row


# ---------------------------------------------------------------- overdue reminders

REMINDER_BATCH = 500


def overdue_reminders_run(
    *, today: dt.date | None = None, batch: int = REMINDER_BATCH
) -> dict[str, int]:
    """Remind owners of newly overdue instalments, once each (idempotent: reminded_at).
    Works in batches, each its own transaction, rows locked and skipped if another run holds
    them, so two runs at once never remind twice."""
    today = today or timezone.localdate()
    reminded = 0
    while True:
        with transaction.atomic():
            rows = list(
                Instalment.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(active=True, settled=False, due_on__lt=today, reminded_at__isnull=True)
                .select_related("contract", "customer")
                .order_by("due_on", "id")[:batch]
            )
            if not rows:
                break
            now = timezone.now()
            for inst in rows:
                days = (today - inst.due_on).days
                timeline_add(
                    customer=inst.customer,
                    kind="instalment_overdue",
                    title=_(
                        "Payment overdue: contract %(number)s instalment %(sequence)d, "
                        "%(open)s open for %(days)d days"
                    )
                    % {
                        "number": inst.contract.number,
                        "sequence": inst.sequence,
                        "open": _yuan(inst.amount - inst.paid_amount),
                        "days": days,
                    },
                    ref=inst.contract,
                    data={
                        "instalment": inst.pk,
                        "owner": inst.owner_id,
                        "due_on": inst.due_on.isoformat(),
                        "open": str(inst.amount - inst.paid_amount),
                    },
                )
            Instalment.objects.filter(pk__in=[inst.pk for inst in rows]).update(reminded_at=now)
            reminded += len(rows)
        if len(rows) < batch:
            break
    return {"reminded": reminded}


# ---------------------------------------------------------------- purchase history (INTG-1)


HISTORY_PAYMENT = "history"


@dataclass(frozen=True, kw_only=True)
class HistoricPurchase:
    """A past purchase as an import of order history gives it: the day, the amount (yuan,
    tax included), what was paid of it (None: all of it), the product if known, and the old
    system's order number."""

    signed_on: dt.date
    amount: Decimal
    paid_amount: Decimal | None = None
    product: Product | None = None
    reference: str = ""


def _clean_history(data: HistoricPurchase) -> tuple[Decimal, Decimal, str]:
    errors: dict[str, list[str]] = {}
    amount = _amount(data.amount, field="amount", errors=errors)
    paid = (
        amount
        if data.paid_amount is None
        else _amount(data.paid_amount, field="paid_amount", errors=errors, positive=False)
    )
    if amount is not None and paid is not None and paid > amount:
        errors.setdefault("paid_amount", []).append(_("The paid amount cannot exceed the amount."))
    _date(data.signed_on, field="signed_on", errors=errors, not_future=True)
    reference = _text(data.reference, field="reference", errors=errors, max_length=80)
    if errors or amount is None or paid is None:
        raise ValidationFailed(field_errors=errors)
    return amount, paid, reference


@transaction.atomic
def contract_record_history(*, actor: User, customer: Customer, data: HistoricPurchase) -> Contract:
    """Record a past purchase (INTG-1, so value analysis and the sales reports have a
    history): one contract marked `is_history`, signed on its day without the approval flow
    (permission `sales.record_history`), one item, numbered like any contract of that year;
    paid in full it is completed, else executing with the rest open on one instalment due on
    that day (not reminded: the overdue reminder is for new debts); what was paid is one
    confirmed payment of that day. The customer is marked won (grade E, dealt) as by a
    signing; the `contract_won` and `payment_received` hooks are not called — care plans and
    webhooks announce deals made now, not years ago. docs/decisions.md."""
    if not user_can(user=actor, permission=permissions.RECORD_HISTORY):
        raise PermissionDenied(_("You may not record purchase history."))
    amount, paid, reference = _clean_history(data)
    target = customer_locked_for_sale(actor=actor, customer=customer)
    if target is None:
        raise ValidationFailed(field_errors={"customer": [_("Choose a customer you may work on.")]})
    if (
        reference
        and Contract.objects.filter(
            customer_id=target.pk, is_history=True, reference=reference
        ).exists()
    ):
        raise Conflict(
            _("The purchase %(reference)s of this customer is recorded already.")
            % {"reference": reference},
            code="history_recorded",
        )
    product = data.product
    rows = clean_items(
        items=[
            LineInput(
                product=product,
                description=product.name if product else _("Purchase"),
                quantity="1",
                unit_price=str(amount),
                tax_rate=str(product.tax_rate) if product else "0",
            )
        ],
        customer=target,
    )
    totals = money.document_totals(row.amounts for row in rows)
    completed = paid == totals.total
    status = Contract.Status.COMPLETED if completed else Contract.Status.EXECUTING
    day_start = timezone.make_aware(dt.datetime.combine(data.signed_on, dt.time()))
    contract = Contract(
        customer=target,
        owner_id=target.owner_id,
        department_id=target.department_id,
        status=status,
        title=(product.name if product else _("Purchase history"))[:200],
        signed_on=data.signed_on,
        starts_on=data.signed_on,
        completed_at=day_start if completed else None,
        paid_amount=paid,
        is_history=True,
        reference=reference,
        created_by=actor,
        **money.amount_fields(totals),
    )
    contract.number = numbers.next_number(numbers.CONTRACT, on=data.signed_on)
    contract.save()
    ContractItem.objects.bulk_create(
        [ContractItem(contract=contract, **line_item_fields(line=row)) for row in rows]
    )
    instalment = Instalment.objects.create(
        contract=contract,
        **sync.contract_copies(contract, Instalment),
        sequence=1,
        due_on=data.signed_on,
        amount=contract.total_amount,
        paid_amount=paid,
        settled=completed,
        on_signing=True,
        reminded_at=None if completed else timezone.now(),
    )
    if paid > 0:
        payment = Payment.objects.create(
            contract=contract,
            customer_id=target.pk,
            **sync.contract_copies(contract, Payment),
            amount=paid,
            received_on=data.signed_on,
            method=Payment.Method.OTHER,
            reference=reference,
            notes=_("Purchase history"),
            status=Payment.Status.CONFIRMED,
            recorded_by=actor,
            # marks the history's own payment (no idempotency key: never compared as one),
            # so contracts_remove_history tells it from one received since
            request_fingerprint=HISTORY_PAYMENT,
        )
        PaymentAllocation.objects.create(payment=payment, instalment=instalment, amount=paid)
    prospect_mark_won(
        customer=target,
        actor=actor,
        note=_("Purchase history %(number)s recorded.") % {"number": contract.number},
    )
    contract_timeline_add(
        contract=contract,
        title=_("Purchase %(number)s: %(total)s (history)")
        % {"number": contract.number, "total": money.yuan(contract.total_amount)},
        actor=actor,
        occurred_at=day_start,
        data={
            "status": contract.status,
            "total": str(contract.total_amount),
            "paid": str(paid),
            "history": True,
        },
    )
    audit_record(
        actor=actor,
        action="contract_history_record",
        target=contract,
        summary=contract.number,
        values={"total_amount": contract.total_amount},
        detail={
            "total": str(contract.total_amount),
            "paid": str(paid),
            "signed_on": str(data.signed_on),
            "reference": reference,
        },
    )
    return contract


@transaction.atomic
def contracts_remove_history(*, actor: User, contract_ids: Sequence[int]) -> int:
    """Remove purchase history recorded in error (an import rolled back, INTG-1): the
    history contracts among `contract_ids` that the actor may work on and nothing was added
    to since (no order, invoice, amendment or further payment), with their item, instalment,
    payment and timeline entry. Returns how many were removed."""
    if not user_can(user=actor, permission=permissions.RECORD_HISTORY):
        raise PermissionDenied(_("You may not record purchase history."))
    contracts = list(
        Contract.objects.editable_by(actor, action=EDIT_OTHERS)
        .select_for_update(of=("self",))
        .filter(pk__in=list(contract_ids), is_history=True, amendment_count=0)
        .exclude(pk__in=Order.objects.values("contract_id"))
        .exclude(pk__in=Invoice.objects.values("contract_id"))
        .exclude(
            pk__in=Payment.objects.exclude(request_fingerprint=HISTORY_PAYMENT).values(
                "contract_id"
            )
        )
    )
    ids = [contract.pk for contract in contracts]
    if not ids:
        return 0
    PaymentAllocation.objects.filter(payment__contract_id__in=ids).delete()
    Payment.objects.filter(contract_id__in=ids).delete()
    Instalment.objects.filter(contract_id__in=ids).delete()
    TimelineEvent.objects.filter(
        ref_type=Contract._meta.label_lower, ref_id__in=[str(pk) for pk in ids]
    ).delete()
    for contract in contracts:
        audit_record(
            actor=actor,
            action="contract_history_remove",
            target=contract,
            summary=contract.number,
            values={"total_amount": contract.total_amount},
            detail={"reference": contract.reference},
        )
    Contract.objects.filter(pk__in=ids).delete()
    return len(ids)

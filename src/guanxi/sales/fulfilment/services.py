"""Orders, delivery plans, deliveries and stock-out records (ORD-3).

Every write is keyword-only, one transaction, and locks the contract row first (then the
rows it changes), so the quantities of one contract are only ever changed one transaction
at a time: Σ planned per contract item (orders not cancelled) ≤ the item's quantity,
delivered ≤ planned per plan line (also a database check), Σ stock-out per item ≤ the
item's quantity. Bad input changes nothing.

Who may act: the contract's owner, or someone in scope with `sales.edit_others`
(`contracts.services.contract_lock`);
what may be done depends on the contract's and the order's status.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Model, Sum
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.audit import audit_record
from guanxi.core.errors import Conflict, ValidationFailed, found
from guanxi.customers.archive.services import timeline_add
from guanxi.customers.models import Customer
from guanxi.sales.common import hooks, numbers
from guanxi.sales.contracts.services import contract_lock, contract_mark_executing_if_signed
from guanxi.sales.models import Contract, ContractItem, Delivery, DeliveryPlan, Order, StockOut

ACTIVE = (Contract.Status.SIGNED, Contract.Status.EXECUTING)
QUANTITY_STEP = Decimal("0.001")
MAX_QUANTITY = Decimal("999999999.999")  # DecimalField(max_digits=12, decimal_places=3)
MAX_PLAN_LINES = 100
NOTES_LIMIT = 200
WAREHOUSE_LIMIT = 60
RECEIVER_LIMIT = 60


# ---------------------------------------------------------------- helpers


def show_quantity(*, quantity: Decimal) -> str:
    """1.500 → "1.5", 2.000 → "2" (for messages and pages)."""
    return format(Decimal(quantity).normalize(), "f")


def _parse_quantity(value: Any, *, field: str = "quantity") -> Decimal:
    """A positive quantity with at most three decimals; never through float."""
    if isinstance(value, float) or value is None or value == "":
        raise ValidationFailed(field_errors={field: [_("Enter a quantity.")]})
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(field_errors={field: [_("Enter a number.")]}) from None
    if not number.is_finite():
        raise ValidationFailed(field_errors={field: [_("Enter a number.")]})
    if number <= 0:
        raise ValidationFailed(field_errors={field: [_("The quantity must be more than 0.")]})
    # Size before precision: quantizing 1e30 to three places overflows the decimal context.
    if number > MAX_QUANTITY:
        raise ValidationFailed(field_errors={field: [_("This quantity is too large.")]})
    if number != number.quantize(QUANTITY_STEP):
        raise ValidationFailed(
            field_errors={field: [_("Use at most three decimal places for a quantity.")]}
        )
    return number.quantize(QUANTITY_STEP)


def _parse_day(value: Any, *, field: str, not_after_today: bool = False) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, str):
        try:
            value = parse_date(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        raise ValidationFailed(field_errors={field: [_("Enter a valid date.")]})
    if not_after_today and value > timezone.localdate():
        raise ValidationFailed(field_errors={field: [_("This date cannot be in the future.")]})
    return value


def _text(value: Any, *, field: str, limit: int) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise ValidationFailed(
            field_errors={
                field: [_("Use at most %(limit)d characters.") % {"limit": limit}],
            }
        )
    return text


def _pk(value: Any) -> int | None:
    """A model instance, an int or a string of digits → the id; anything else → None."""
    value = getattr(value, "pk", value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _lock_active(*, actor: User, contract: Contract | int, refusal: str) -> Contract:
    """The contract locked for a new order or stock-out, which only a signed or executing
    contract takes (`refusal` says so otherwise)."""
    locked = contract_lock(actor=actor, contract=found(_pk(contract)))
    _require_active(locked, refusal)
    return locked


def _require_active(contract: Contract, message: str) -> None:
    if contract.is_history:
        # a past purchase was delivered in the old system; it is here for its money and history
        raise Conflict(
            _(
                "%(number)s is a purchase recorded from the old system: its orders, deliveries "
                "and stock-outs are not kept in Guanxi."
            )
            % {"number": contract.number},
            code="ContractIsHistory",
        )
    if contract.status not in ACTIVE:
        raise Conflict(
            message % {"number": contract.number, "status": contract.get_status_display()},
            code="ContractNotActive",
        )


def _audit(
    *, actor: User, action: str, target: Model, contract: Contract, summary: str, **detail: object
) -> None:
    """The audit row of an order, a delivery or a stock-out, naming its contract."""
    audit_record(
        actor=actor,
        action=action,
        target=target,
        summary=summary,
        detail={"contract_id": contract.pk, **detail},
    )


def _timeline(
    *, contract: Contract, kind: str, title: str, actor: User, ref: Model, data: dict[str, Any]
) -> None:
    timeline_add(
        customer=Customer(pk=contract.customer_id),
        kind=kind,
        title=title,
        actor=actor,
        ref=ref,
        data={"contract_id": contract.pk, "contract": contract.number, **data},
    )


def _planned_by_item(
    contract_id: int, *, exclude_order_id: int | None = None
) -> dict[int, Decimal]:
    """Σ planned quantity per contract item over the contract's orders that are not
    cancelled."""
    rows = DeliveryPlan.objects.filter(order__contract_id=contract_id).exclude(
        order__status=Order.Status.CANCELLED
    )
    if exclude_order_id:
        rows = rows.exclude(order_id=exclude_order_id)
    return {
        row["contract_item_id"]: row["total"]
        for row in rows.values("contract_item_id").annotate(total=Sum("quantity"))
    }


def _stocked_out_by_item(contract_id: int) -> dict[int, Decimal]:
    rows = StockOut.objects.filter(contract_id=contract_id)
    return {
        row["contract_item_id"]: row["total"]
        for row in rows.values("contract_item_id").annotate(total=Sum("quantity"))
    }


def order_status_from_plans(*, plans: Iterable[DeliveryPlan]) -> str:
    """open (nothing delivered) → partial → delivered (every plan line fully delivered)."""
    lines = list(plans)
    if lines and all(p.delivered_quantity >= p.quantity for p in lines):
        return Order.Status.DELIVERED
    if any(p.delivered_quantity > 0 for p in lines):
        return Order.Status.PARTIAL
    return Order.Status.OPEN


# ---------------------------------------------------------------- orders


@dataclass(frozen=True, kw_only=True)
class DeliveryPlanInput:
    """One delivery plan line of a new order as the caller gives it (form values, JSON values
    or Python ones); order_create checks it."""

    contract_item: ContractItem | int
    quantity: Decimal | int | str
    planned_on: dt.date | str
    notes: str = ""


@transaction.atomic
def order_create(
    *,
    actor: User,
    contract: Contract | int,
    ordered_on: dt.date | str,
    notes: str = "",
    plans: Sequence[DeliveryPlanInput],
) -> Order:
    """An order with its delivery plan lines. Only on a signed or executing contract; the
    first one moves the contract to executing."""
    locked = _lock_active(
        actor=actor,
        contract=contract,
        refusal=_(
            "Contract %(number)s is %(status)s: orders can only be placed on a signed or "
            "executing contract."
        ),
    )
    ordered_on = _parse_day(ordered_on, field="ordered_on")
    notes = _text(notes, field="notes", limit=2000)
    if not plans:
        raise ValidationFailed(
            field_errors={"plans": [_("Add at least one line with a quantity to deliver.")]}
        )
    if len(plans) > MAX_PLAN_LINES:
        raise ValidationFailed(
            field_errors={"plans": [_("An order has at most %(n)d lines.") % {"n": MAX_PLAN_LINES}]}
        )
    items = {
        item.pk: item
        for item in ContractItem.objects.select_for_update().filter(contract_id=locked.pk)
    }
    already = _planned_by_item(locked.pk)
    wanted: dict[int, Decimal] = {}
    errors: dict[str, list[str]] = {}
    lines: list[tuple[ContractItem, Decimal, dt.date, str]] = []
    for index, line in enumerate(plans):
        prefix = f"plans.{index}"
        try:
            if not isinstance(line, DeliveryPlanInput):
                raise ValidationFailed(field_errors={prefix: [_("Each line must be an object.")]})
            item_id = _pk(line.contract_item)
            item = items.get(item_id) if item_id is not None else None
            if item is None:
                raise ValidationFailed(
                    field_errors={
                        f"{prefix}.contract_item": [_("Choose an item of this contract.")]
                    }
                )
            quantity = _parse_quantity(line.quantity, field=f"{prefix}.quantity")
            planned_on = _parse_day(line.planned_on, field=f"{prefix}.planned_on")
            line_notes = _text(line.notes, field=f"{prefix}.notes", limit=NOTES_LIMIT)
        except ValidationFailed as exc:
            for key, messages in exc.field_errors.items():
                errors.setdefault(key, []).extend(messages)
            continue
        if planned_on < ordered_on:
            errors.setdefault(f"{prefix}.planned_on", []).append(
                _("The planned date cannot be before the order date.")
            )
            continue
        wanted[item.pk] = wanted.get(item.pk, Decimal(0)) + quantity
        lines.append((item, quantity, planned_on, line_notes))
    for item_id, quantity in wanted.items():
        item = items[item_id]
        free = item.quantity - already.get(item_id, Decimal(0))
        if quantity > free:
            errors.setdefault("plans", []).append(
                _(
                    "%(item)s: %(wanted)s planned here, but only %(free)s of %(total)s are "
                    "not yet on an order."
                )
                % {
                    "item": item.description,
                    "wanted": show_quantity(quantity=quantity),
                    "free": show_quantity(quantity=max(free, Decimal(0))),
                    "total": show_quantity(quantity=item.quantity),
                }
            )
    if errors:
        raise ValidationFailed(field_errors=errors)
    order = Order.objects.create(
        contract=locked,
        number=numbers.next_number(numbers.ORDER),
        ordered_on=ordered_on,
        notes=notes,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    DeliveryPlan.objects.bulk_create(
        [
            DeliveryPlan(
                order=order,
                contract_item=item,
                quantity=quantity,
                planned_on=planned_on,
                notes=line_notes,
            )
            for item, quantity, planned_on, line_notes in lines
        ]
    )
    contract_mark_executing_if_signed(contract=locked, actor=actor)
    _audit(
        actor=actor,
        action="sales.order_create",
        target=order,
        contract=locked,
        summary=f"{order.number} ({locked.number})",
        plans=[
            {"item": item.pk, "quantity": str(quantity), "planned_on": planned_on.isoformat()}
            for item, quantity, planned_on, _n in lines
        ],
    )
    _timeline(
        contract=locked,
        kind="order",
        title=_("Order %(number)s placed") % {"number": order.number},
        actor=actor,
        ref=order,
        data={"order": order.number},
    )
    hooks.delivery_planned.call_all(
        order=order,
        contract=locked,
        plans=list(DeliveryPlan.objects.filter(order_id=order.pk)),
        actor=actor,
    )
    return order


@transaction.atomic
def order_cancel(*, actor: User, order: Order | int) -> Order:
    """Cancel an order with nothing delivered and no stock-out against it; its planned
    quantities become free again."""
    order_id = found(_pk(order))
    contract_id = found(
        Order.objects.filter(pk=order_id).values_list("contract_id", flat=True).first()
    )
    locked_contract = contract_lock(actor=actor, contract=contract_id)
    locked = Order.objects.select_for_update().get(pk=order_id)
    if locked.status == Order.Status.CANCELLED:
        raise Conflict(
            _("Order %(number)s is already cancelled.") % {"number": locked.number},
            code="OrderCancelled",
        )
    plans = list(DeliveryPlan.objects.select_for_update().filter(order_id=locked.pk))
    if any(plan.delivered_quantity > 0 for plan in plans):
        raise Conflict(
            _("Order %(number)s cannot be cancelled: deliveries have been recorded on it.")
            % {"number": locked.number},
            code="OrderDelivered",
        )
    if StockOut.objects.filter(order_id=locked.pk).exists():
        raise Conflict(
            _("Order %(number)s cannot be cancelled: goods have left the warehouse for it.")
            % {"number": locked.number},
            code="OrderStockedOut",
        )
    locked.status = Order.Status.CANCELLED
    locked.save(update_fields=["status"])
    _audit(
        actor=actor,
        action="sales.order_cancel",
        target=locked,
        contract=locked_contract,
        summary=f"{locked.number} ({locked_contract.number})",
    )
    _timeline(
        contract=locked_contract,
        kind="order",
        title=_("Order %(number)s cancelled") % {"number": locked.number},
        actor=actor,
        ref=locked,
        data={"order": locked.number, "cancelled": True},
    )
    return locked


# ---------------------------------------------------------------- deliveries


@transaction.atomic
def delivery_record(
    *,
    actor: User,
    plan: DeliveryPlan | int,
    quantity: Decimal | str,
    delivered_on: dt.date | str,
    receiver: str = "",
    notes: str = "",
) -> Delivery:
    """Record goods delivered against a plan line: never more than what remains on it."""
    plan_id = found(_pk(plan))
    contract_id = found(
        DeliveryPlan.objects.filter(pk=plan_id).values_list("order__contract_id", flat=True).first()
    )
    contract = contract_lock(actor=actor, contract=contract_id)
    locked = DeliveryPlan.objects.select_for_update().get(pk=plan_id)
    order = Order.objects.get(pk=locked.order_id)  # read after the lock: the current status
    _require_active(
        contract,
        _(
            "Contract %(number)s is %(status)s: deliveries can only be recorded on a signed or "
            "executing contract."
        ),
    )
    if order.status == Order.Status.CANCELLED:
        raise Conflict(
            _("Order %(number)s is cancelled: nothing more can be delivered on it.")
            % {"number": order.number},
            code="OrderCancelled",
        )
    quantity = _parse_quantity(quantity)
    delivered_on = _parse_day(delivered_on, field="delivered_on", not_after_today=True)
    if delivered_on < order.ordered_on:
        raise ValidationFailed(
            field_errors={"delivered_on": [_("The delivery date cannot be before the order date.")]}
        )
    receiver = _text(receiver, field="receiver", limit=RECEIVER_LIMIT)
    notes = _text(notes, field="notes", limit=NOTES_LIMIT)
    remaining = locked.quantity - locked.delivered_quantity
    if remaining <= 0:
        raise Conflict(
            _("This plan line is fully delivered."),
            code="PlanDelivered",
        )
    if quantity > remaining:
        raise ValidationFailed(
            field_errors={
                "quantity": [
                    _("Only %(remaining)s remain to be delivered on this plan line.")
                    % {"remaining": show_quantity(quantity=remaining)}
                ]
            }
        )
    delivery = Delivery.objects.create(
        plan=locked,
        quantity=quantity,
        delivered_on=delivered_on,
        receiver=receiver,
        notes=notes,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    locked.delivered_quantity = locked.delivered_quantity + quantity
    locked.save(update_fields=["delivered_quantity"])
    siblings = [locked, *DeliveryPlan.objects.filter(order_id=order.pk).exclude(pk=locked.pk)]
    status = order_status_from_plans(plans=siblings)
    if status != order.status:
        Order.objects.filter(pk=order.pk).update(status=status)
        order.status = status
    locked.order = order
    contract_mark_executing_if_signed(contract=contract, actor=actor)
    _audit(
        actor=actor,
        action="sales.delivery_record",
        target=delivery,
        contract=contract,
        summary=f"{order.number} {show_quantity(quantity=quantity)}",
        order_id=order.pk,
        plan_id=locked.pk,
        quantity=str(quantity),
        delivered_on=delivered_on.isoformat(),
    )
    item = ContractItem.objects.only("description", "unit").get(pk=locked.contract_item_id)
    _timeline(
        contract=contract,
        kind="delivery",
        title=_("Delivered %(quantity)s %(unit)s %(item)s (order %(order)s)")
        % {
            "quantity": show_quantity(quantity=quantity),
            "unit": item.unit,
            "item": item.description,
            "order": order.number,
        },
        actor=actor,
        ref=delivery,
        data={"order": order.number, "quantity": str(quantity)},
    )
    hooks.delivery_recorded.call_all(delivery=delivery, contract=contract, actor=actor)
    return delivery


# ---------------------------------------------------------------- stock-out


@transaction.atomic
def stockout_record(
    *,
    actor: User,
    contract: Contract | int,
    contract_item: ContractItem | int,
    quantity: Decimal | str,
    out_on: dt.date | str,
    warehouse: str = "",
    order: Order | int | str | None = None,
    notes: str = "",
) -> StockOut:
    """A stock-out record (出库单) with its own number; Σ per item ≤ the item's quantity."""
    locked = _lock_active(
        actor=actor,
        contract=contract,
        refusal=_(
            "Contract %(number)s is %(status)s: stock-outs can only be recorded on a signed or "
            "executing contract."
        ),
    )
    item_id = _pk(contract_item)
    item = (
        ContractItem.objects.select_for_update().filter(pk=item_id, contract_id=locked.pk).first()
        if item_id is not None
        else None
    )
    if item is None:
        raise ValidationFailed(
            field_errors={"contract_item": [_("Choose an item of this contract.")]}
        )
    quantity = _parse_quantity(quantity)
    out_on = _parse_day(out_on, field="out_on", not_after_today=True)
    warehouse = _text(warehouse, field="warehouse", limit=WAREHOUSE_LIMIT)
    notes = _text(notes, field="notes", limit=NOTES_LIMIT)
    linked = None
    if order is not None and order != "":
        order_id = _pk(order)
        linked = (
            Order.objects.filter(pk=order_id, contract_id=locked.pk).first()
            if order_id is not None
            else None
        )
        if linked is None:
            raise ValidationFailed(field_errors={"order": [_("Choose an order of this contract.")]})
        if linked.status == Order.Status.CANCELLED:
            raise ValidationFailed(field_errors={"order": [_("This order is cancelled.")]})
        if not DeliveryPlan.objects.filter(order_id=linked.pk, contract_item_id=item.pk).exists():
            raise ValidationFailed(
                field_errors={"order": [_("This item is not on the chosen order.")]}
            )
    done = _stocked_out_by_item(locked.pk).get(item.pk, Decimal(0))
    left = item.quantity - done
    if quantity > left:
        raise ValidationFailed(
            field_errors={
                "quantity": [
                    _("%(item)s: only %(left)s of %(total)s are left to take out of stock.")
                    % {
                        "item": item.description,
                        "left": show_quantity(quantity=max(left, Decimal(0))),
                        "total": show_quantity(quantity=item.quantity),
                    }
                ]
            }
        )
    record = StockOut.objects.create(
        number=numbers.next_number(numbers.STOCK_OUT),
        contract=locked,
        order=linked,
        contract_item=item,
        quantity=quantity,
        warehouse=warehouse,
        out_on=out_on,
        notes=notes,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    contract_mark_executing_if_signed(contract=locked, actor=actor)
    _audit(
        actor=actor,
        action="sales.stockout_record",
        target=record,
        contract=locked,
        summary=f"{record.number} ({locked.number}) {show_quantity(quantity=quantity)}",
        item=item.pk,
        order_id=linked.pk if linked else None,
        quantity=str(quantity),
        out_on=out_on.isoformat(),
    )
    return record

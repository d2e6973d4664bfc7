"""Reads for orders, deliveries and stock-outs (ORD-3). Every read starts from
`Contract.objects.visible_to(user)`; lists are bounded and keyset-paged, no N+1."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.errors import NotFound, ValidationFailed, found
from guanxi.core.querysets import filter_given
from guanxi.sales.models import Contract, ContractItem, Delivery, DeliveryPlan, Order, StockOut

ACTIVE = (Contract.Status.SIGNED, Contract.Status.EXECUTING)
OPEN_ORDER = (Order.Status.OPEN, Order.Status.PARTIAL)
ORDERS_SHOWN = 50
STOCKOUTS_SHOWN = 100
SCHEDULE_STATES = ("open", "late", "upcoming")
DEFAULT_HORIZON = 30
MAX_HORIZON = 366
ZERO = Decimal("0.000")


def _trim(value: Decimal | None) -> Decimal:
    """A quantity for display: 2.000 → 2, 1.500 → 1.5 (never 1E+2)."""
    number = Decimal(value or 0)
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def order_for_user(*, user: User, order_id: int | str) -> Order:
    try:
        pk = int(order_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    order = found(
        Order.objects.select_related("contract")
        .filter(pk=pk, contract__in=Contract.objects.visible_to(user))
        .first()
    )
    return order


def plan_for_user(*, user: User, plan_id: int | str) -> DeliveryPlan:
    try:
        pk = int(plan_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    plan = found(
        DeliveryPlan.objects.select_related("order", "order__contract", "contract_item")
        .filter(pk=pk, order__contract__in=Contract.objects.visible_to(user))
        .first()
    )
    return plan


@dataclass
class ItemRow:
    """One contract line and where it stands: ordered = on orders not cancelled,
    remaining = quantity − delivered (what is still owed to the customer)."""

    item: ContractItem
    ordered: Decimal
    delivered: Decimal
    stocked_out: Decimal

    @property
    def quantity(self) -> Decimal:
        return _trim(self.item.quantity)

    @property
    def unordered(self) -> Decimal:
        return _trim(max(self.item.quantity - self.ordered, ZERO))

    @property
    def remaining(self) -> Decimal:
        return _trim(max(self.item.quantity - self.delivered, ZERO))

    @property
    def stock_left(self) -> Decimal:
        return _trim(max(self.item.quantity - self.stocked_out, ZERO))


def item_rows(*, contract: Contract) -> list[ItemRow]:
    """The contract's lines with ordered / delivered / stocked-out totals (three queries)."""
    items = list(ContractItem.objects.filter(contract_id=contract.pk).order_by("position", "id"))
    plans = (
        DeliveryPlan.objects.filter(order__contract_id=contract.pk)
        .exclude(order__status=Order.Status.CANCELLED)
        .values("contract_item_id")
        .annotate(ordered=Sum("quantity"), delivered=Sum("delivered_quantity"))
    )
    by_item = {row["contract_item_id"]: row for row in plans}
    outs = {
        row["contract_item_id"]: row["total"]
        for row in StockOut.objects.filter(contract_id=contract.pk)
        .values("contract_item_id")
        .annotate(total=Sum("quantity"))
    }
    rows = []
    for item in items:
        totals: Mapping[str, Any] = by_item.get(item.pk, {})
        rows.append(
            ItemRow(
                item=item,
                ordered=_trim(totals.get("ordered") or ZERO),
                delivered=_trim(totals.get("delivered") or ZERO),
                stocked_out=_trim(outs.get(item.pk) or ZERO),
            )
        )
    return rows


def orders_of(
    *, contract: Contract, limit: int = ORDERS_SHOWN, before_id: int | None = None
) -> tuple[list[Order], bool]:
    """The contract's orders, newest first, with plan lines (item loaded) and their
    deliveries (three queries); returns (orders, more)."""
    orders = Order.objects.filter(contract_id=contract.pk)
    if before_id:
        orders = orders.filter(pk__lt=before_id)
    deliveries = Delivery.objects.select_related("recorded_by").order_by("delivered_on", "id")
    plans = DeliveryPlan.objects.select_related("contract_item").prefetch_related(
        Prefetch("deliveries", queryset=deliveries)
    )
    rows = list(
        orders.select_related("created_by")
        .prefetch_related(Prefetch("plans", queryset=plans.order_by("planned_on", "id")))
        .order_by("-id")[: limit + 1]
    )
    for order in rows:
        for plan in order.plans.all():
            _trim_plan(plan)
            for delivery in plan.deliveries.all():
                delivery.shown_quantity = _trim(delivery.quantity)
    return rows[:limit], len(rows) > limit


def _trim_plan(plan: DeliveryPlan) -> None:
    plan.shown_quantity = _trim(plan.quantity)
    plan.shown_delivered = _trim(plan.delivered_quantity)
    plan.remaining = _trim(plan.quantity - plan.delivered_quantity)


def orders_with_stockouts(*, orders: Iterable[Order]) -> set[int]:
    """Which of these orders have stock-outs against them (one query; none if no orders)."""
    ids = [order.pk for order in orders]
    if not ids:
        return set()
    return set(
        StockOut.objects.filter(order_id__in=ids).values_list("order_id", flat=True).distinct()
    )


def stockouts_of(
    *, contract: Contract, limit: int = STOCKOUTS_SHOWN, before_id: int | None = None
) -> tuple[list[StockOut], bool]:
    """The contract's stock-outs, newest first; returns (records, more)."""
    records = StockOut.objects.filter(contract_id=contract.pk)
    if before_id:
        records = records.filter(pk__lt=before_id)
    rows = list(
        records.select_related("contract_item", "order", "recorded_by").order_by("-id")[: limit + 1]
    )
    for record in rows:
        record.shown_quantity = _trim(record.quantity)
    return rows[:limit], len(rows) > limit


# ---------------------------------------------------------------- the delivery schedule


@dataclass(frozen=True)
class ScheduleFilters:
    state: str = "open"  # open (everything not yet delivered), late, upcoming
    horizon: int = DEFAULT_HORIZON  # days ahead for "upcoming"
    owner_id: int | None = None
    department_id: int | None = None


def parse_schedule_filters(*, params: Mapping[str, Any]) -> ScheduleFilters:
    """From a GET query dict; unknown values fall back to the defaults."""
    state = params.get("state") or "open"
    if state not in SCHEDULE_STATES:
        state = "open"
    try:
        horizon = min(max(int(params.get("days") or DEFAULT_HORIZON), 1), MAX_HORIZON)
    except (TypeError, ValueError):
        horizon = DEFAULT_HORIZON

    def _id(name: str) -> int | None:
        raw = str(params.get(name) or "")
        return int(raw) if raw.isdigit() and 0 < int(raw) < 2**63 else None

    return ScheduleFilters(
        state=state, horizon=horizon, owner_id=_id("owner"), department_id=_id("department")
    )


def _schedule_cursor(cursor: str | None) -> tuple[dt.date, int] | None:
    if not cursor:
        return None
    try:
        day, row_id = cursor.split("_", 1)
        return dt.date.fromisoformat(day), int(row_id)
    except ValueError:
        raise ValidationFailed(
            field_errors={"cursor": [_("This page link is out of date.")]}
        ) from None


def delivery_schedule(
    *, user: User, filters: ScheduleFilters, cursor: str | None = None, limit: int = 50
) -> tuple[list[DeliveryPlan], str | None]:
    """Plan lines still to deliver on active contracts in the user's scope, by planned date
    (then id); late = planned before today. Keyset pages: cursor "<date>_<id>".
    Returns (plans, next_cursor)."""
    today = timezone.localdate()
    contracts = filter_given(
        Contract.objects.visible_to(user).filter(status__in=ACTIVE),
        owner_id=filters.owner_id,
        department_id=filters.department_id,
    )
    plans = DeliveryPlan.objects.filter(
        order__contract__in=contracts,
        order__status__in=OPEN_ORDER,
        delivered_quantity__lt=F("quantity"),
    )
    if filters.state == "late":
        plans = plans.filter(planned_on__lt=today)
    elif filters.state == "upcoming":
        plans = plans.filter(
            planned_on__gte=today, planned_on__lte=today + dt.timedelta(days=filters.horizon)
        )
    after = _schedule_cursor(cursor)
    if after is not None:
        day, row_id = after
        plans = plans.filter(Q(planned_on__gt=day) | Q(planned_on=day, id__gt=row_id))
    rows = list(
        plans.select_related(
            "contract_item",
            "order",
            "order__contract",
            "order__contract__customer",
            "order__contract__owner",
        ).order_by("planned_on", "id")[: limit + 1]
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = f"{rows[-1].planned_on.isoformat()}_{rows[-1].pk}"
    for plan in rows:
        _trim_plan(plan)
        plan.late = plan.planned_on < today
        plan.days_late = (today - plan.planned_on).days if plan.late else 0
    return rows, next_cursor

"""/api/v1 for orders, delivery plans, deliveries and stock-outs (ORD-3).

Thin: parse, call a service or selector, render. A contract, order or plan line outside the
caller's scope answers 404 exactly like one that does not exist; a refused state answers
409 and bad input 422 with per-field messages, and nothing is written."""

from typing import Annotated

from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema, Status

from guanxi.core.api_endpoints import service_arguments
from guanxi.core.schemas import QueryId
from guanxi.sales.contracts.record_endpoints import contract_record_create, contract_records_list
from guanxi.sales.contracts.selectors import contract_for_user
from guanxi.sales.fulfilment import selectors, services
from guanxi.sales.fulfilment.schemas import (
    DeliveryIn,
    DeliveryOut,
    FulfilmentOut,
    OrderIn,
    OrderOut,
    OrderPageOut,
    SchedulePageOut,
    StockOutIn,
    StockOutOut,
    StockOutPageOut,
)
from guanxi.sales.models import Delivery, DeliveryPlan, Order, StockOut

router = Router(tags=["fulfilment"])

_CURSOR = r"^[0-9\-_]*$"


def _order_rows():
    deliveries = Delivery.objects.select_related("recorded_by").order_by("delivered_on", "id")
    plans = (
        DeliveryPlan.objects.select_related("contract_item")
        .prefetch_related(Prefetch("deliveries", queryset=deliveries))
        .order_by("planned_on", "id")
    )
    return Order.objects.select_related("created_by").prefetch_related(
        Prefetch("plans", queryset=plans)
    )


# ---------------------------------------------------------------- progress


@router.get(
    "/contracts/{int:contract_id}/fulfilment",
    response=FulfilmentOut,
    summary="Per contract item: quantity, on orders, delivered, remaining, stocked out",
)
def fulfilment_progress(request, contract_id: int):
    contract = contract_for_user(user=request.auth, contract_id=contract_id)
    return {
        "contract_id": contract.pk,
        "status": contract.status,
        "items": selectors.item_rows(contract=contract),
    }


# ---------------------------------------------------------------- orders


contract_records_list(
    router,
    "orders",
    name="order_list",
    module=__name__,
    rows=_order_rows,
    response=OrderPageOut,
    summary="A contract's orders with plan lines and deliveries, newest first",
)


@router.post(
    "/contracts/{int:contract_id}/orders",
    response={201: OrderOut},
    summary="Place an order with its delivery plan lines (signed or executing contracts)",
)
def order_create(request, contract_id: int, payload: OrderIn):
    contract = contract_for_user(user=request.auth, contract_id=contract_id)
    order = services.order_create(
        actor=request.auth,
        contract=contract,
        ordered_on=payload.ordered_on,
        notes=payload.notes,
        plans=[services.DeliveryPlanInput(**service_arguments(line)) for line in payload.plans],
    )
    return Status(201, _order_rows().get(pk=order.pk))


@router.post(
    "/orders/{int:order_id}/cancel",
    response=OrderOut,
    summary="Cancel an order with nothing delivered and no stock-out",
)
def order_cancel(request, order_id: int):
    order = selectors.order_for_user(user=request.auth, order_id=order_id)
    services.order_cancel(actor=request.auth, order=order)
    return _order_rows().get(pk=order.pk)


# ---------------------------------------------------------------- deliveries


@router.post(
    "/delivery-plans/{int:plan_id}/deliveries",
    response={201: DeliveryOut},
    summary="Record a delivery against a plan line (never more than remains on it)",
)
def delivery_create(request, plan_id: int, payload: DeliveryIn):
    plan = selectors.plan_for_user(user=request.auth, plan_id=plan_id)
    delivery = services.delivery_record(actor=request.auth, plan=plan, **payload.model_dump())
    return Status(201, delivery)


class ScheduleQuery(Schema):
    state: str = Field("open", pattern=r"^(open|late|upcoming)$")
    days: int = Field(selectors.DEFAULT_HORIZON, ge=1, le=selectors.MAX_HORIZON)
    owner: QueryId | None = None
    department: QueryId | None = None
    cursor: Annotated[str, Field(max_length=40, pattern=_CURSOR)] = ""
    limit: int = Field(50, ge=1, le=100)


@router.get(
    "/delivery-plans",
    response=SchedulePageOut,
    summary="Plan lines still to deliver in my scope, by planned date (late, upcoming, open)",
)
def delivery_schedule(request, query: Query[ScheduleQuery]):
    filters = selectors.ScheduleFilters(
        state=query.state,
        horizon=query.days,
        owner_id=query.owner,
        department_id=query.department,
    )
    rows, next_cursor = selectors.delivery_schedule(
        user=request.auth, filters=filters, cursor=query.cursor or None, limit=query.limit
    )
    return {"items": rows, "next_cursor": next_cursor}


# ---------------------------------------------------------------- stock-outs


def _stockouts():
    return StockOut.objects.select_related("contract_item", "recorded_by")


contract_records_list(
    router,
    "stock-outs",
    name="stockout_list",
    module=__name__,
    rows=_stockouts,
    response=StockOutPageOut,
    summary="A contract's stock-out records, newest first",
)
contract_record_create(
    router,
    "stock-outs",
    name="stockout_create",
    module=__name__,
    body=StockOutIn,
    service=services.stockout_record,
    rows=_stockouts,
    response=StockOutOut,
    summary="Record a stock-out (出库) for a contract item",
)

"""Orders, deliveries and stock-outs on the contract page (an htmx panel) and the delivery
schedule (ORD-3). Thin: parse, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.accounts.selectors import users_in_scope
from guanxi.core.errors import DomainError, ValidationFailed
from guanxi.core.forms import form_error_text
from guanxi.core.http import form_result, is_htmx, query_without, rows_or_page
from guanxi.sales.common.notices import error_text
from guanxi.sales.contracts.selectors import contract_for_user
from guanxi.sales.fulfilment import selectors, services
from guanxi.sales.fulfilment.forms import DeliveryForm, OrderForm, StockOutForm
from guanxi.sales.models import Order

PANEL = "sales/fulfilment/panel.html"
PAGE = "sales/fulfilment/page.html"


def _back(contract):
    return redirect("sales:contract_detail", contract.pk)


def _panel_context(request, contract, *, order_form=None, stockout_form=None, bound=None):
    """bound: a bound DeliveryForm of one plan (to show its errors); `notice` is set by
    the caller after a successful action."""
    rows = selectors.item_rows(contract=contract)
    orders, more_orders = selectors.orders_of(contract=contract)
    stockouts, more_stockouts = selectors.stockouts_of(contract=contract)
    active = contract.status in selectors.ACTIVE and not contract.is_history
    stocked_orders = selectors.orders_with_stockouts(orders=orders)
    for order in orders:
        order.can_cancel = order.status == Order.Status.OPEN and order.pk not in stocked_orders
        for plan in order.plans.all():
            plan.can_deliver = (
                active and order.status in selectors.OPEN_ORDER and plan.remaining > 0
            )
            if plan.can_deliver:
                if bound is not None and bound.plan_id == plan.pk:
                    plan.form = bound
                else:
                    plan.form = DeliveryForm(plan=plan, prefix=f"p{plan.pk}")
    can_order = active and any(row.unordered > 0 for row in rows)
    can_stock_out = active and any(row.stock_left > 0 for row in rows)
    if can_order and order_form is None:
        order_form = OrderForm(item_rows=rows, prefix="order")
    if can_stock_out and stockout_form is None:
        stockout_form = StockOutForm(item_rows=rows, orders=orders, prefix="out")
    return {
        "contract": contract,
        "rows": rows,
        "orders": orders,
        "more_orders": more_orders,
        "stockouts": stockouts,
        "more_stockouts": more_stockouts,
        "active": active,
        "can_order": can_order,
        "can_stock_out": can_stock_out,
        "order_form": order_form if can_order else None,
        "stockout_form": stockout_form if can_stock_out else None,
        "open_order_form": bool(order_form is not None and order_form.is_bound),
        "open_stockout_form": bool(stockout_form is not None and stockout_form.is_bound),
    }


def _render_panel(request, contract, *, notice="", error="", **forms):
    context = _panel_context(request, contract, **forms)
    context["notice"] = notice
    context["error"] = error
    return render(request, PANEL if is_htmx(request) else PAGE, context)


@login_required
@require_GET
def contract_fulfilment(request, pk):
    """The panel (htmx) or, without htmx, the same panel on a page of its own."""
    contract = contract_for_user(user=request.user, contract_id=pk)
    return _render_panel(request, contract)


def _done(request, contract, notice: str):
    """After a change: the refreshed panel saying `notice` (htmx), or back to the contract."""
    if is_htmx(request):
        return _render_panel(request, contract, notice=notice)
    messages.success(request, notice)
    return _back(contract)


def _refused(request, contract, error: str, **forms):
    """After a refused change: the panel with `error` and the forms as posted (htmx), or back
    to the contract with the error."""
    if is_htmx(request):
        return _render_panel(request, contract, error=error, **forms)
    messages.error(request, error)
    return _back(contract)


def _saved(request, form, save):
    """What `save(cleaned_data)` saved for the valid form, else None; any refusal of the
    service shows with the form (the panel has no other place for it)."""
    return form_result(request, form, save, refused=(DomainError,))


@login_required
@require_POST
def order_create(request, pk):
    contract = contract_for_user(user=request.user, contract_id=pk)
    form = OrderForm(request.POST, item_rows=selectors.item_rows(contract=contract), prefix="order")
    order = _saved(
        request,
        form,
        lambda data: services.order_create(
            actor=request.user,
            contract=contract,
            ordered_on=data["ordered_on"],
            notes=data["notes"],
            plans=form.plans(),
        ),
    )
    if order is not None:
        contract = contract_for_user(user=request.user, contract_id=pk)
        return _done(request, contract, _("Order %(number)s placed.") % {"number": order.number})
    return _refused(request, contract, form_error_text(form), order_form=form)


@login_required
@require_POST
def order_cancel(request, order_id):
    order = selectors.order_for_user(user=request.user, order_id=order_id)
    contract = contract_for_user(user=request.user, contract_id=order.contract_id)
    try:
        services.order_cancel(actor=request.user, order=order)
    except DomainError as exc:
        return _refused(request, contract, error_text(exc))
    return _done(request, contract, _("Order %(number)s cancelled.") % {"number": order.number})


@login_required
@require_POST
def delivery_record(request, plan_id):
    plan = selectors.plan_for_user(user=request.user, plan_id=plan_id)
    contract = contract_for_user(user=request.user, contract_id=plan.order.contract_id)
    form = DeliveryForm(request.POST, plan=plan, prefix=f"p{plan.pk}")
    form.plan_id = plan.pk
    # The form's fields are the service's arguments.
    delivery = _saved(
        request, form, lambda data: services.delivery_record(actor=request.user, plan=plan, **data)
    )
    if delivery is not None:
        return _done(
            request,
            contract,
            _("Delivery of %(quantity)s %(item)s recorded.")
            % {
                "quantity": services.show_quantity(quantity=delivery.quantity),
                "item": plan.contract_item.description,
            },
        )
    return _refused(request, contract, form_error_text(form), bound=form)


@login_required
@require_POST
def stockout_record(request, pk):
    contract = contract_for_user(user=request.user, contract_id=pk)
    orders, _more = selectors.orders_of(contract=contract)
    form = StockOutForm(
        request.POST, item_rows=selectors.item_rows(contract=contract), orders=orders, prefix="out"
    )
    # The form's fields are the service's arguments.
    record = _saved(
        request,
        form,
        lambda data: services.stockout_record(actor=request.user, contract=contract, **data),
    )
    if record is not None:
        contract = contract_for_user(user=request.user, contract_id=pk)
        return _done(
            request, contract, _("Stock-out %(number)s recorded.") % {"number": record.number}
        )
    return _refused(request, contract, form_error_text(form), stockout_form=form)


# ---------------------------------------------------------------- the delivery schedule


@login_required
@require_GET
def delivery_schedule(request):
    filters = selectors.parse_schedule_filters(params=request.GET)
    try:
        plans, next_cursor = selectors.delivery_schedule(
            user=request.user, filters=filters, cursor=request.GET.get("after")
        )
    except ValidationFailed:
        plans, next_cursor = [], None
    owners = list(users_in_scope(user=request.user).order_by("username")[:500])
    query = query_without(request, "after")
    context = {
        "plans": plans,
        "next_cursor": next_cursor,
        "filters": filters,
        "owners": owners if len(owners) > 1 else [],
        "states": [
            ("open", _("Everything to deliver")),
            ("late", _("Late")),
            ("upcoming", _("Upcoming")),
        ],
        "query": query,
    }
    template = rows_or_page(
        request, "sales/fulfilment/schedule.html", "sales/fulfilment/schedule_rows.html"
    )
    return render(request, template, context)

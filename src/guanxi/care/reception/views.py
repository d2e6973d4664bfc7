"""The front-desk register's pages (ACQ-5). Thin: parse, call one service or selector, render."""

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts.http import request_user
from guanxi.accounts.models import User
from guanxi.accounts.selectors import users_in_scope
from guanxi.care.common.permissions import RECEPTION_OTHERS
from guanxi.care.models import Reception
from guanxi.care.reception import selectors, services
from guanxi.care.reception.forms import ReceptionForm
from guanxi.core.errors import DomainError, PermissionDenied
from guanxi.core.forms import form_add_errors
from guanxi.core.http import (
    action_then_back,
    form_page,
    more_rows_context,
    notice_text,
    rows_or_page,
)
from guanxi.core.scope import scope_of
from guanxi.customers.archive.panel_views import customer_panel
from guanxi.customers.archive.selectors import customer_get_for_user
from guanxi.customers.models import Customer

RECEIVERS_SHOWN = 300


def _receivers(user: User) -> list[User]:
    """Whom the user may name as having received a visitor: themselves only, unless they may
    change others' entries (then the users of their scope)."""
    if RECEPTION_OTHERS not in scope_of(user).permissions:
        return []
    return list(users_in_scope(user=user).order_by("username")[:RECEIVERS_SHOWN])


def _register_context(request: HttpRequest, form: ReceptionForm) -> dict[str, object]:
    user = request_user(request)
    filters = selectors.ReceptionFilters.from_query(request.GET)
    read = functools.partial(selectors.reception_page, user=user, filters=filters)
    return {
        **more_rows_context(request, read, name="entries"),
        "form": form,
        "filters": filters,
        "today": selectors.reception_daily(user=user, days=1)[0],
        "channels": Reception.Channel.choices,
        "states": [
            ("open", _("Not linked to a customer")),
            ("customer", _("Linked to a customer")),
            ("new", _("Became a new customer")),
        ],
    }


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """The front desk: the quick form on top, today's counts, the entries below."""
    user = request_user(request)
    form = ReceptionForm(receivers=_receivers(user))
    context = _register_context(request, form)
    template = rows_or_page(request, "care/reception/register.html", "care/reception/rows.html")
    return render(request, template, context)


@login_required
@require_POST
def log(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = ReceptionForm(request.POST, receivers=_receivers(user))
    entry = None
    if form.is_valid():
        try:
            entry = services.reception_log(actor=user, data=form.to_input())
        except DomainError as exc:
            form_add_errors(form, exc)
    if entry is None:
        context = _register_context(request, form)
        return render(request, "care/reception/register.html", context, status=422)
    messages.success(request, _("Entry logged: %(entry)s.") % {"entry": entry})
    return redirect("care:reception")


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    entry = selectors.reception_get_for_user(user=user, entry_id=pk)
    if not selectors.reception_can_edit(user=user, entry=entry):
        raise PermissionDenied(_("You may not change entries other people logged."))
    receivers = _receivers(user)
    if request.method == "POST":
        form = ReceptionForm(request.POST, receivers=receivers)
    else:
        form = ReceptionForm(initial=ReceptionForm.initial_from(entry), receivers=receivers)

    def save(data: dict[str, Any]) -> str:
        services.reception_update(actor=user, entry=entry, data=form.to_input(entry=entry))
        return _("Entry saved.")

    return form_page(
        request,
        form=form,
        save=save,
        back=reverse("care:reception_detail", args=[entry.pk]),
        title=_("Change the front-desk entry"),
        submit=_("Save"),
        refused=(DomainError,),
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    entry = selectors.reception_get_for_user(user=user, entry_id=pk)
    matches: list[Customer] = []
    if entry.customer_id is None:
        matches = selectors.customers_with_phone(user=user, phone=entry.phone)
    return render(
        request,
        "care/reception/detail.html",
        {
            "entry": entry,
            "matches": matches,
            "can_edit": selectors.reception_can_edit(user=user, entry=entry),
        },
    )


@login_required
@require_POST
def convert(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    entry = selectors.reception_get_for_user(user=user, entry_id=pk)
    try:
        customer = services.reception_convert(actor=user, entry=entry)
    except DomainError as exc:
        messages.error(request, notice_text(exc))
        return redirect("care:reception_detail", entry.pk)
    messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
    return redirect("customers:detail", customer.pk)


@login_required
@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    entry = selectors.reception_get_for_user(user=user, entry_id=pk)
    back = reverse("care:reception_detail", args=[entry.pk])
    try:
        customer_id = int(request.POST.get("customer", ""))
    except ValueError:
        messages.error(request, _("Choose the customer to link."))
        return redirect(back)
    customer = customer_get_for_user(user=user, customer_id=customer_id)

    def link_customer() -> str:
        services.reception_link(actor=user, entry=entry, customer=customer)
        return _("Entry linked to %(name)s.") % {"name": customer.name}

    return action_then_back(request, link_customer, back=back, refused=(DomainError,))


@login_required
@require_GET
def daily(request: HttpRequest) -> HttpResponse:
    """Daily counts by channel and the conversion into customers (ACQ-5)."""
    user = request_user(request)
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    rows = selectors.reception_daily(user=user, days=days)
    total = sum(row.total for row in rows)
    linked = sum(row.linked for row in rows)
    return render(
        request,
        "care/reception/daily.html",
        {
            "rows": rows,
            "days": len(rows),
            "total": total,
            "linked": linked,
            "converted": sum(row.converted for row in rows),
            "demos": sum(row.demos for row in rows),
            "conversion": linked / total if total else None,
        },
    )


@login_required
@require_GET
def customer_receptions(request: HttpRequest, customer_id: int) -> HttpResponse:
    return customer_panel(
        request,
        customer_id,
        "care/reception/panel.html",
        lambda user, customer: {
            "entries": selectors.receptions_of_customer(user=user, customer=customer)
        },
        title=_("Front-desk visits and calls"),
    )

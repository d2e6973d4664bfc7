"""The installed base's pages (ARC-10): the list of what is due, the customer's records on
the 360 page, add and change. Thin: parse, call one service or selector, render."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.accounts.http import request_user
from guanxi.care.assets import selectors, services
from guanxi.care.assets.forms import AssetForm
from guanxi.core.errors import DomainError, PermissionDenied
from guanxi.core.forms import form_add_errors
from guanxi.core.http import query_without, render_form_page, rows_after, rows_or_page
from guanxi.customers.archive.panel_views import customer_panel
from guanxi.customers.archive.selectors import customer_get_for_user


@login_required
@require_GET
def asset_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    filters = selectors.AssetFilters.from_query(request.GET)
    assets, next_cursor = rows_after(
        request, functools.partial(selectors.asset_page, user=user, filters=filters)
    )
    context = {
        "assets": assets,
        "next_cursor": next_cursor,
        "filters": filters,
        "dues": [
            ("", _("Everything in use")),
            ("maintenance", _("Maintenance due")),
            ("warranty", _("Warranty ending")),
        ],
        "query": query_without(request, "after"),
    }
    template = rows_or_page(request, "care/assets/list.html", "care/assets/rows.html")
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def asset_create(request: HttpRequest, customer_id: int) -> HttpResponse:
    user = request_user(request)
    customer = customer_get_for_user(user=user, customer_id=customer_id)
    if not selectors.customer_assets_editable(user=user, customer=customer):
        raise PermissionDenied()
    back = reverse("customers:detail", args=[customer.pk])
    form = AssetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_create(actor=user, customer=customer, data=form.to_input())
        except DomainError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Added to the installed base."))
            return redirect(back)
    title = _("Installed base of %(name)s: add") % {"name": customer.name}
    return render_form_page(request, title=title, form=form, submit=_("Save"), cancel_url=back)


@login_required
@require_http_methods(["GET", "POST"])
def asset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    asset = selectors.asset_get_for_user(user=user, asset_id=pk)
    if not selectors.customer_assets_editable(user=user, customer=asset.customer):
        raise PermissionDenied()
    back = reverse("customers:detail", args=[asset.customer_id])
    if request.method == "POST":
        form = AssetForm(request.POST)
        if form.is_valid():
            try:
                services.asset_update(actor=user, asset=asset, data=form.to_input())
            except DomainError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(back)
    else:
        form = AssetForm(initial=AssetForm.initial_from(asset))
    return render_form_page(request, title=str(asset), form=form, submit=_("Save"), cancel_url=back)


@login_required
@require_GET
def customer_assets(request: HttpRequest, customer_id: int) -> HttpResponse:
    return customer_panel(
        request,
        customer_id,
        "care/assets/panel.html",
        lambda user, customer: {
            "assets": selectors.assets_of_customer(user=user, customer=customer),
            "can_edit": selectors.customer_assets_editable(user=user, customer=customer),
        },
        title=_("installed base"),
    )

"""The installed base's pages (ARC-10): the list of what is due, the customer's records on
the 360 page, add and change. Thin: parse, call one service or selector, render."""

import functools
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.accounts.http import request_user
from guanxi.accounts.models import User
from guanxi.care.assets import selectors, services
from guanxi.care.assets.forms import AssetForm
from guanxi.core.errors import DomainError, PermissionDenied
from guanxi.core.http import SaveForm, form_page, more_rows_context, rows_or_page
from guanxi.customers.archive.panel_views import customer_panel
from guanxi.customers.archive.selectors import customer_get_for_user
from guanxi.customers.models import Customer


@login_required
@require_GET
def asset_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    filters = selectors.AssetFilters.from_query(request.GET)
    read = functools.partial(selectors.asset_page, user=user, filters=filters)
    context = {
        **more_rows_context(request, read, name="assets"),
        "filters": filters,
        "dues": [
            ("", _("Everything in use")),
            ("maintenance", _("Maintenance due")),
            ("warranty", _("Warranty ending")),
        ],
    }
    template = rows_or_page(request, "care/assets/list.html", "care/assets/rows.html")
    return render(request, template, context)


def _editable(user: User, customer: Customer) -> Customer:
    """`customer`, when the user may change its installed base (else 403)."""
    if not selectors.customer_assets_editable(user=user, customer=customer):
        raise PermissionDenied()
    return customer


def _asset_page(
    request: HttpRequest, form: AssetForm, save: SaveForm, customer_id: int, title: str
) -> HttpResponse:
    """The page that adds or changes a record of the customer's installed base: back to the
    customer's 360 page once saved; any refusal of the service shows on the form."""
    return form_page(
        request,
        form=form,
        save=save,
        back=reverse("customers:detail", args=[customer_id]),
        title=title,
        submit=_("Save"),
        refused=(DomainError,),
    )


@login_required
@require_http_methods(["GET", "POST"])
def asset_create(request: HttpRequest, customer_id: int) -> HttpResponse:
    user = request_user(request)
    customer = _editable(user, customer_get_for_user(user=user, customer_id=customer_id))
    form = AssetForm(request.POST or None)

    def save(data: dict[str, Any]) -> str:
        services.asset_create(actor=user, customer=customer, data=form.to_input())
        return _("Added to the installed base.")

    title = _("Installed base of %(name)s: add") % {"name": customer.name}
    return _asset_page(request, form, save, customer.pk, title)


@login_required
@require_http_methods(["GET", "POST"])
def asset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    asset = selectors.asset_get_for_user(user=user, asset_id=pk)
    _editable(user, asset.customer)
    if request.method == "POST":
        form = AssetForm(request.POST, asset=asset)
    else:
        form = AssetForm(initial=AssetForm.initial_from(asset), asset=asset)

    def save(data: dict[str, Any]) -> str:
        services.asset_update(actor=user, asset=asset, data=form.to_input())
        return _("Saved.")

    return _asset_page(request, form, save, asset.customer_id, str(asset))


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

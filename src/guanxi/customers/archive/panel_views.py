"""The panels other apps add to a customer's 360 page (customers.panels.LazyPanel), read for
a customer the user may see: each app says only what its panel shows; and that customer for
the other pages and forms of the 360 page."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from guanxi.accounts.http import request_user
from guanxi.accounts.models import User
from guanxi.core.errors import found
from guanxi.core.http import id_url, panel_response
from guanxi.customers.archive.selectors import customer_get_for_user
from guanxi.customers.models import Customer


def customer_panel(
    request: HttpRequest,
    customer_id: int,
    template: str,
    read: Callable[[User, Customer], dict[str, Any]],
    *,
    title: str,
) -> HttpResponse:
    """The panel `template` of the customer (404 when the user may not see them) with the
    customer and what `read(user, customer)` adds; on a page of its own (no JavaScript) it
    links back to the customer's page."""
    user = request_user(request)
    customer = customer_get_for_user(user=user, customer_id=customer_id)
    return panel_response(
        request,
        template,
        {"customer": customer, **read(user, customer)},
        title=title,
        back_url=id_url("customers:detail", customer.pk),
    )


def visible_customer(request: HttpRequest, customer_id: int) -> Customer:
    """The customer `customer_id` when the user may see it, else 404."""
    return found(Customer.objects.visible_to(request.user).filter(pk=customer_id).first())

"""Pages of webhooks (INTG-3, INTG-6): the subscriptions with the allow-list of internal
hosts, a subscription's form, its page with the delivery log, a delivery with its payload,
and the actions (redeliver, new secret, delete). webhooks.manage only. Thin: parse, call a
service or selector, render."""

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts.decorators import permission_required
from guanxi.accounts.http import request_user
from guanxi.core.errors import ValidationFailed, found
from guanxi.core.forms import form_add_errors
from guanxi.core.http import action_then_back, save_form
from guanxi.webhooks.common import permissions
from guanxi.webhooks.common.catalog import event_label
from guanxi.webhooks.common.signing import REPLAY_WINDOW_SECONDS
from guanxi.webhooks.delivery.sending import envelope_body
from guanxi.webhooks.models import AllowedHost, Delivery, Subscription
from guanxi.webhooks.subscriptions import selectors, services
from guanxi.webhooks.subscriptions.forms import AllowedHostForm, SubscriptionForm
from guanxi.webhooks.wecom.robot import markdown_body
from guanxi.webhooks.wecom.texts import robot_text

manage_required = permission_required(permissions.MANAGE)


@manage_required
@require_GET
def subscription_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "webhooks/subscription_list.html",
        {
            "subscriptions": selectors.subscriptions_list(user=user),
            "allowed_hosts": selectors.allowed_hosts_list(user=user),
            "host_form": AllowedHostForm(),
        },
    )


def _data(form: SubscriptionForm) -> services.SubscriptionData:
    data = form.cleaned_data
    return services.SubscriptionData(
        name=data["name"],
        kind=data["kind"],
        url=data["url"],
        events=list(data["events"]),
        active=data["active"],
    )


@manage_required
@require_http_methods(["GET", "POST"])
def subscription_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request_user(request)
    subscription = selectors.subscription_get(user=user, pk=pk) if pk else None
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
    else:
        form = SubscriptionForm.of(subscription) if subscription else SubscriptionForm()

    def save() -> Subscription:
        if subscription is None:
            return services.subscription_create(actor=user, data=_data(form))
        return services.subscription_update(actor=user, subscription=subscription, data=_data(form))

    saved, status = save_form(form, save)
    if saved is not None:
        flash.success(request, _("The subscription has been saved."))
        return redirect("webhooks:subscription_detail", pk=saved.pk)
    return render(
        request,
        "webhooks/subscription_form.html",
        {"form": form, "subscription": subscription},
        status=status,
    )


@manage_required
@require_GET
def subscription_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    subscription = selectors.subscription_get(user=user, pk=pk)
    status = request.GET.get("status", "")
    page = selectors.delivery_page(
        user=user,
        filters=selectors.DeliveryFilters(subscription_id=subscription.pk, status=status),
        cursor=request.GET.get("after", ""),
    )
    next_url = (
        "?" + urlencode({"after": page.next_cursor, "status": status}) if page.next_cursor else None
    )
    return render(
        request,
        "webhooks/subscription_detail.html",
        {
            "subscription": subscription,
            "events": [(name, event_label(name)) for name in subscription.events],
            "page": page,
            "next_url": next_url,
            "status": status,
            "statuses": Delivery.Status.choices,
            "replay_window": REPLAY_WINDOW_SECONDS,
        },
    )


def _subscription_button(
    request: HttpRequest,
    pk: int,
    service: Callable[..., object],
    *,
    done: str,
    back: str,
) -> HttpResponse:
    """A button of a subscription's page: `service` on the subscription, then to `back` (a URL
    or URL name) with the message `done`."""
    user = request_user(request)
    subscription = selectors.subscription_get(user=user, pk=pk)
    service(actor=user, subscription=subscription)
    flash.success(request, done)
    return redirect(back)


@manage_required
@require_POST
def subscription_secret(request: HttpRequest, pk: int) -> HttpResponse:
    return _subscription_button(
        request,
        pk,
        services.subscription_rotate_secret,
        done=_("A new signing secret has been made; give it to the receiver."),
        back=reverse("webhooks:subscription_detail", args=[pk]),
    )


@manage_required
@require_POST
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _subscription_button(
        request,
        pk,
        services.subscription_delete,
        done=_("The subscription has been deleted."),
        back="webhooks:subscription_list",
    )


@manage_required
@require_GET
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request_user(request), pk=pk)
    if delivery.subscription.kind == Subscription.Kind.WECOM:
        # what the robot got: its markdown message, not the JSON envelope
        raw = markdown_body(robot_text(event=delivery.event, data=delivery.payload))
    else:
        raw = envelope_body(delivery)
    body = json.dumps(json.loads(raw), ensure_ascii=False, indent=2)
    return render(
        request,
        "webhooks/delivery_detail.html",
        {"delivery": delivery, "body": body, "event_name": event_label(delivery.event)},
    )


@manage_required
@require_POST
def delivery_redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    delivery = selectors.delivery_get(user=user, pk=pk)

    def redeliver() -> str:
        services.delivery_redeliver(actor=user, delivery=delivery)
        return _("The event will be sent again in a moment.")

    back = reverse("webhooks:subscription_detail", args=[delivery.subscription_id])
    return action_then_back(request, redeliver, back=back)


@manage_required
@require_POST
def allowed_host_add(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = AllowedHostForm(request.POST)
    if form.is_valid():
        try:
            services.allowed_host_add(
                actor=user, host=form.cleaned_data["host"], note=form.cleaned_data["note"]
            )
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            flash.success(request, _("The host is allowed."))
            return redirect("webhooks:subscription_list")
    context: dict[str, Any] = {
        "subscriptions": selectors.subscriptions_list(user=user),
        "allowed_hosts": selectors.allowed_hosts_list(user=user),
        "host_form": form,
    }
    return render(request, "webhooks/subscription_list.html", context, status=422)


@manage_required
@require_POST
def allowed_host_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    allowed = found(AllowedHost.objects.filter(pk=pk).first())
    services.allowed_host_remove(actor=user, allowed=allowed)
    flash.success(request, _("The host is no longer allowed."))
    return redirect("webhooks:subscription_list")

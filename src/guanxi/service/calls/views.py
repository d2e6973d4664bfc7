"""The call centre's pages (SRV-3): the call log, the call form with the agent's scripts, the
caller look-up, the ringing pop-up every page of an agent polls for, and the agent's home
section. Thin: parse, call one service or selector, render."""

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.accounts.http import request_user
from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.core.errors import DomainError, PermissionDenied, ValidationFailed
from guanxi.core.forms import form_add_errors
from guanxi.core.home import SERVICE, HomeSection, home_section
from guanxi.core.http import is_htmx, more_rows_context, render_form, rows_or_page
from guanxi.core.pagination import parse_id
from guanxi.core.phones import mask_phone
from guanxi.customers.archive.selectors import customer_get_for_user
from guanxi.customers.models import Customer
from guanxi.service.calls import selectors, services
from guanxi.service.calls.forms import CallForm
from guanxi.service.calls.permissions import CALLS
from guanxi.service.models import Call, Ring


def complaint_url(*, customer_id: int, call_id: int | None) -> str:
    """Where a complaint taken on the phone is opened, prefilled; "" while the complaints
    area is not installed (the page then shows no link rather than a dead one)."""
    try:
        base = reverse("service:complaint_create")
    except NoReverseMatch:
        return ""
    query = f"?customer={customer_id}&channel=phone"
    return base + query + (f"&call={call_id}" if call_id else "")


def _customer(user: User, customer_id: int | None) -> Customer | None:
    return customer_get_for_user(user=user, customer_id=customer_id) if customer_id else None


def _ring(user: User, ring_id: int | None) -> Ring | None:
    return selectors.ring_get_for_agent(user=user, ring_id=ring_id) if ring_id else None


@login_required
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    filters = selectors.CallFilters.from_query(request.GET)
    read = functools.partial(selectors.call_page, user=user, filters=filters)
    context = {
        **more_rows_context(request, read, name="calls"),
        "filters": filters,
        "types": Call.Type.choices,
        "directions": Call.Direction.choices,
        "can_log": user_can(user=user, permission=CALLS),
    }
    return render(
        request,
        rows_or_page(request, "service/calls/list.html", "service/calls/rows.html"),
        context,
    )


def _form_context(
    request: HttpRequest,
    form: CallForm,
    *,
    customer: Customer | None,
    ring: Ring | None,
    call_type: str,
) -> dict[str, Any]:
    return {
        "form": form,
        "customer": customer,
        "ring": ring,
        "ring_number_masked": mask_phone(ring.number) if ring else "",
        "scripts": selectors.scripts_for(),
        "open_situations": selectors.SITUATIONS_OF_TYPE.get(call_type, ["greeting"]),
    }


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest) -> HttpResponse:
    """Log a call; from the pop-up it comes with the ring and the customer, prefilled."""
    user = request_user(request)
    if not user_can(user=user, permission=CALLS):
        raise PermissionDenied(_("You may not log calls."))
    source = request.POST if request.method == "POST" else request.GET
    ring = _ring(user, parse_id(source.get("ring")))
    customer = _customer(user, parse_id(source.get("customer")))
    call_type = source.get("type", "")
    if request.method == "POST":
        form = CallForm(request.POST, from_ring=ring is not None)
        if form.is_valid():
            try:
                call = services.call_log(
                    actor=user,
                    data=form.to_input(number=ring.number if ring else None),
                    customer=customer,
                    ring=ring,
                )
            except DomainError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Call logged: %(call)s.") % {"call": call})
                # a complaint taken on the phone goes on to the complaint, prefilled
                if call.type == Call.Type.COMPLAINT and call.customer_id:
                    complaint = complaint_url(customer_id=call.customer_id, call_id=call.pk)
                    if complaint:
                        return redirect(complaint)
                return redirect("service:call_detail", call.pk)
    else:
        initial = {
            "type": call_type if call_type in Call.Type.values else "",
            "customer": customer.pk if customer else None,
            "ring": ring.pk if ring else None,
            "number": request.GET.get("number", ""),
        }
        form = CallForm(initial=initial, from_ring=ring is not None)
    context = _form_context(request, form, customer=customer, ring=ring, call_type=call_type)
    return render_form(request, "service/calls/form.html", context, form=form)


@login_required
@require_GET
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    call = selectors.call_get_for_user(user=user, call_id=pk)
    complaint = ""
    if (
        call.customer_id
        and call.type == Call.Type.COMPLAINT
        and user_can(user=user, permission=CALLS)
    ):
        complaint = complaint_url(customer_id=call.customer_id, call_id=call.pk)
    return render(
        request,
        "service/calls/detail.html",
        {
            "call": call,
            "number_masked": mask_phone(call.number),
            "complaint_url": complaint,
            "scripts": selectors.scripts_for(call_type=call.type),
        },
    )


@login_required
@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """Find the caller by a number in any notation (the agent types what the phone shows)."""
    user = request_user(request)
    number = request.GET.get("number", "").strip()
    result, error = None, ""
    if number:
        try:
            result = selectors.caller_lookup(user=user, number=number)
        except ValidationFailed as exc:
            error = " ".join(str(m) for m in exc.field_errors.get("number", [exc.message]))
    context = {
        "number": number,
        "result": result,
        "error": error,
        "can_log": user_can(user=user, permission=CALLS),
        "cards": _cards(user, result),
    }
    template = (
        "service/calls/lookup_result.html" if is_htmx(request) else "service/calls/lookup.html"
    )
    return render(request, template, context)


def _cards(user: User, result: selectors.Lookup | None) -> list[tuple[selectors.CustomerCard, str]]:
    """Each card with the link that opens a complaint for it ("" if none)."""
    if result is None:
        return []
    may_log = user_can(user=user, permission=CALLS)
    return [
        (card, complaint_url(customer_id=card.id, call_id=None) if may_log else "")
        for card in result.cards
    ]


@never_cache
@login_required
@require_GET
def ringing_poll(request: HttpRequest) -> HttpResponse:
    """Asked every second by an agent's pages: 204 while nothing rings, else the caller's card
    once (the first tab to ask shows it)."""
    user = request_user(request)
    ring = selectors.ring_pending(user=user)
    if ring is None or not services.ring_take(ring=ring):
        return HttpResponse(status=204)
    result = selectors.caller_lookup(user=user, number=ring.number) if ring.number else None
    return render(
        request,
        "service/calls/ringing.html",
        {
            "ring": ring,
            "result": result,
            "cards": _cards(user, result),
            "call_types": Call.Type.choices,
        },
    )


def home_agent_section(
    *, request: HttpRequest, user: User, kinds: frozenset[str], **kwargs: object
) -> HomeSection | None:
    """The service agent's home: find the caller, today's calls by type, the latest calls."""
    if SERVICE not in kinds:
        return None
    page = selectors.call_page(
        user=user, filters=selectors.CallFilters(agent=user.pk), cursor=None, limit=5
    )
    today = selectors.calls_today(user=user)
    context = {
        "today": [(label, today[value]) for value, label in Call.Type.choices],
        "today_total": sum(today.values()),
        "calls": page.items,
        "can_log": user_can(user=user, permission=CALLS),
    }
    return home_section("service/calls/home.html", request, context, order=5, wide=True)

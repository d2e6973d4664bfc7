"""Pages of the field check-in (INTG-5): check in at a customer (a phone page using the
browser's location), the day's check-ins per consultant, a check-in's photo, and the
customer's recorded location on the 360 page."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts.http import request_user
from guanxi.accounts.permissions import EDIT_OTHERS
from guanxi.accounts.selectors import users_in_scope
from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.core.forms import form_add_errors
from guanxi.core.http import form_saved, render_form
from guanxi.core.pagination import parse_id
from guanxi.customers.archive.panel_views import customer_panel
from guanxi.customers.archive.selectors import customer_get_for_user
from guanxi.customers.models import Customer
from guanxi.customers.querysets import customer_editable
from guanxi.pipeline.checkins import selectors, services
from guanxi.pipeline.checkins.forms import CheckInForm, LocationForm
from guanxi.pipeline.permissions import FOLLOW_UP_OTHERS


def _location_note(checkin: Any) -> str:
    if checkin.distance_m is None:
        return _("No location on record for this customer: the distance is not known.")
    if checkin.far:
        return _("%(metres)s m from the customer's recorded location: flagged as far.") % {
            "metres": f"{checkin.distance_m:,}"
        }
    return _("%(metres)s m from the customer's recorded location.") % {
        "metres": f"{checkin.distance_m:,}"
    }


@login_required
@require_http_methods(["GET", "POST"])
def checkin_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    user = request_user(request)
    customer = customer_get_for_user(user=user, customer_id=customer_id)
    form = CheckInForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = services.CheckInInput(
            latitude=form.cleaned_data["latitude"],
            longitude=form.cleaned_data["longitude"],
            accuracy_m=form.cleaned_data["accuracy_m"],
            note=form.cleaned_data["note"],
            photo=form.cleaned_data["photo"],
        )
        try:
            checkin = services.checkin_record(actor=user, customer=customer, data=data)
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Checked in.") + " " + _location_note(checkin))
            return redirect(reverse("pipeline:checkin_day"))
    context = {
        "customer": customer,
        "location": selectors.customer_location(customer_id=customer.pk),
        "may_log": customer_editable(user, customer, action=FOLLOW_UP_OTHERS),
    }
    return render_form(request, "pipeline/checkins/new.html", context, form=form)


def _day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return timezone.localdate()


@login_required
@require_GET
def checkin_day(request: HttpRequest) -> HttpResponse:
    """The day's check-ins per consultant in the viewer's scope (their own for a
    consultant, the team's for a manager), far ones flagged."""
    user = request_user(request)
    day = _day(request.GET.get("day"))
    consultant_id = parse_id(request.GET.get("consultant"))
    groups = selectors.checkins_of_day(user=user, day=day, consultant_id=consultant_id)
    consultants = list(users_in_scope(user=user).order_by("username")[:500])
    context = {
        "day": day,
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1) if day < timezone.localdate() else None,
        "groups": groups,
        "consultant_id": consultant_id,
        "consultants": consultants if len(consultants) > 1 else [],
        "total": sum(len(g.checkins) for g in groups),
        "far": sum(g.far for g in groups),
    }
    return render(request, "pipeline/checkins/day.html", context)


@login_required
@require_GET
def checkin_photo(request: HttpRequest, checkin_id: int) -> FileResponse:
    checkin = selectors.checkin_get_for_user(user=request_user(request), checkin_id=checkin_id)
    if not checkin.photo:
        raise NotFound()
    response = FileResponse(default_storage.open(str(checkin.photo.name), "rb"))
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _panel_context(request: HttpRequest, customer: Customer, form: LocationForm | None) -> dict:
    user = request_user(request)
    location = selectors.customer_location(customer_id=customer.pk)
    editable = customer_editable(user, customer, action=EDIT_OTHERS)
    if form is None and editable:
        initial = (
            {"latitude": location.latitude, "longitude": location.longitude} if location else {}
        )
        form = LocationForm(initial=initial)
    return {
        "customer": customer,
        "location": location,
        "form": form if editable else None,
        "may_check_in": customer_editable(user, customer, action=FOLLOW_UP_OTHERS),
        "recent": list(selectors.checkin_page(user=user, customer_id=customer.pk, limit=3).items),
    }


@login_required
@require_GET
def customer_checkins(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The customer's location on record and latest check-ins (the 360 page's panel)."""
    return customer_panel(
        request,
        customer_id,
        "pipeline/checkins/panel.html",
        lambda user, customer: _panel_context(request, customer, None),
        title=_("Location and field check-ins"),
    )


@login_required
@require_POST
def customer_location(request: HttpRequest, customer_id: int) -> HttpResponse:
    user = request_user(request)
    customer = customer_get_for_user(user=user, customer_id=customer_id)
    form = LocationForm(request.POST)

    def save(data: dict[str, Any]) -> str:
        services.customer_location_set(
            actor=user, customer=customer, latitude=data["latitude"], longitude=data["longitude"]
        )
        return _("Location saved.")

    if form_saved(request, form, save):
        return redirect(reverse("customers:detail", args=[customer.pk]))
    context = _panel_context(request, customer, form)
    return render(request, "pipeline/checkins/location_page.html", context, status=422)

"""The working calendar's administration page (core.workdays): per year, the public holidays
and 调休 make-up working days, added and removed by holders of calendar.manage."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.accounts import permissions
from guanxi.accounts.decorators import permission_required
from guanxi.accounts.forms import TablerFormMixin
from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.core.forms import date_field, form_add_errors
from guanxi.core.http import action_then_back
from guanxi.core.workdays import (
    calendar_day_remove,
    calendar_day_set,
    calendar_days_of,
    calendar_years,
    parse_working_hours,
)

calendar_required = permission_required(permissions.MANAGE_CALENDAR)

KIND_CHOICES = [
    ("off", gettext_lazy("Day off (public holiday)")),
    ("working", gettext_lazy("Working day (调休 make-up day)")),
]


class CalendarDayForm(TablerFormMixin, forms.Form):
    date = date_field(gettext_lazy("Date"), required=True)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=KIND_CHOICES)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60, required=False)
    name_en = forms.CharField(label=gettext_lazy("Name in English"), max_length=60, required=False)


def _year_or_404(year: int) -> int:
    if not 1990 <= year <= 2200:
        raise Http404
    return year


@calendar_required
def calendar_year_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/admin/calendar_years.html",
        {
            "years": calendar_years(around=timezone.localdate().year),
            "periods": parse_working_hours(settings.GUANXI_WORKING_HOURS),
        },
    )


@calendar_required
@require_http_methods(["GET", "POST"])
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    _year_or_404(year)
    form = CalendarDayForm(request.POST or None, initial={"date": dt.date(year, 1, 1)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            day = calendar_day_set(
                date=data["date"],
                is_working=data["kind"] == "working",
                name=data["name"],
                name_en=data["name_en"],
            )
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("%(date)s saved.") % {"date": day.date.isoformat()})
            return redirect("accounts:calendar_year", year=day.date.year)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "accounts/admin/calendar_year.html",
        {"year": year, "days": calendar_days_of(year=year), "form": form},
        status=status,
    )


@calendar_required
@require_POST
def calendar_day_delete(request: HttpRequest, year: int, date: str) -> HttpResponse:
    _year_or_404(year)
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise Http404 from None

    def remove() -> str:
        calendar_day_remove(date=day)
        return _("%(date)s follows the normal week again.") % {"date": day.isoformat()}

    return action_then_back(
        request, remove, back=reverse("accounts:calendar_year", args=[year]), refused=(NotFound,)
    )

"""The satisfaction report page (SAT-3) and the home sections of customer relations and
managers. Thin: parse the filters, call the selector, render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from guanxi.accounts.selectors import user_can
from guanxi.core import home as home_kinds
from guanxi.core.errors import ValidationFailed
from guanxi.core.home import HomeSection
from guanxi.core.http import lazy_panel_html, panel_response
from guanxi.satisfaction.common import permissions
from guanxi.satisfaction.scores import selectors


def _radar_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("radar", "")
    return int(raw) if raw.isdigit() else None


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    try:
        filters = selectors.ReportFilters.from_params(request.GET)
    except ValidationFailed as exc:
        for msgs in exc.field_errors.values():
            for m in msgs:
                messages.error(request, str(m))
        filters = selectors.ReportFilters.last_months()
    rep = selectors.report(user=request.user, filters=filters)
    radar_id = _radar_id(request) or getattr(request.user, "pk", None)
    chart = selectors.chart_data(rep, radar_user_id=radar_id)
    return render(
        request,
        "satisfaction/scores/report.html",
        {
            "report": rep,
            "chart": chart,
            "params": filters.as_params(),
            "query": urlencode(filters.as_params()),
            "radar_name": chart["radar"]["name"],
            "can_plan": user_can(user=request.user, permission=permissions.PLANS),
            "last_month": filters.month_to.strftime("%Y-%m"),
        },
    )


def home_section_view(
    *, request: HttpRequest, user: Any, kinds: frozenset[str], **kwargs: Any
) -> HomeSection | None:
    """Customer relations and managers: this month against last, the weakest factors — loaded
    after the home page (its grouped query reads two months of answers)."""
    if home_kinds.RELATIONS not in kinds and home_kinds.MANAGER not in kinds:
        return None
    html = lazy_panel_html(
        request,
        panel_id="gx-home-satisfaction",
        title=_("Satisfaction"),
        url=reverse("satisfaction:home_panel"),
    )
    return HomeSection(order=30, html=mark_safe(html))  # noqa: S308 - rendered by a template


@login_required
@require_GET
def home_panel(request: HttpRequest) -> HttpResponse:
    rep = selectors.report(user=request.user, filters=selectors.ReportFilters.last_months(2))
    return panel_response(
        request,
        "satisfaction/scores/home.html",
        {"report": rep, "weakest": rep.factors[:3], "months": rep.months},
        title=_("Satisfaction"),
        back_url="/",
    )

"""The complaints' set-up pages (CMP-1, CMP-2), for holders of service.complaint_setup (403 for
everyone else): categories and their sub-items, routing rules, the SLA grid and the settings
row. Thin: parse, call a set-up service or selector, render; a service's refusal shows on the
form (422) and nothing is written."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts.decorators import permission_required
from guanxi.accounts.http import request_user
from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.core.forms import form_add_errors
from guanxi.core.http import action_then_back, form_saved, is_htmx
from guanxi.core.pagination import parse_id
from guanxi.service.common import permissions
from guanxi.service.complaints import selectors, setup, setup_selectors
from guanxi.service.complaints.setup_forms import (
    CategoryForm,
    RouteRuleForm,
    SettingsForm,
    SlaTargetForm,
)
from guanxi.service.models import ComplaintCategory, Severity

setup_required = permission_required(permissions.COMPLAINT_SETUP)


def _page(
    request: HttpRequest, template: str, tab: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    return render(request, template, {"tab": tab, **context}, status=status)


def _day_text() -> str:
    return setup_selectors.duration_text(setup_selectors.working_minutes_a_day())


# ---------------------------------------------------------------- categories


@setup_required
@require_GET
def category_list(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "service/complaints/setup/categories.html",
        "categories",
        {"tree": setup_selectors.category_tree_all()},
    )


def _category_form_page(
    request: HttpRequest,
    *,
    form: CategoryForm,
    title: str,
    submit: str,
    save: Callable[[dict[str, Any]], ComplaintCategory],
    parent: ComplaintCategory | None = None,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            category = save(form.cleaned_data)
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": category})
            return redirect(f"{reverse('service:complaint_setup')}#gx-cat-{category.pk}")
    return _page(
        request,
        "service/complaints/setup/category_form.html",
        "categories",
        {"form": form, "title": title, "submit": submit, "parent": parent},
        status=422 if form.errors else 200,
    )


def _category_input(data: dict[str, Any], *, parent_id: int | None) -> setup.CategoryInput:
    return setup.CategoryInput(
        name=data["name"],
        name_en=data["name_en"],
        code=data.get("code") or "",
        parent_id=parent_id,
        active=data["active"],
        sort_order=data["sort_order"],
    )


@setup_required
@require_http_methods(["GET", "POST"])
def category_create(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    return _category_form_page(
        request,
        form=CategoryForm(request.POST or None),
        title=_("New complaint category"),
        submit=_("Create"),
        save=lambda data: setup.category_save(
            actor=actor, data=_category_input(data, parent_id=None)
        ),
    )


@setup_required
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, parent: int) -> HttpResponse:
    actor = request_user(request)
    category = setup_selectors.category_get(category_id=parent)
    if category is None or category.parent_id is not None:
        raise Http404
    return _category_form_page(
        request,
        form=CategoryForm(request.POST or None),
        title=_("New sub-item of %(category)s") % {"category": category},
        submit=_("Create"),
        parent=category,
        save=lambda data: setup.category_save(
            actor=actor, data=_category_input(data, parent_id=category.pk)
        ),
    )


@setup_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    category = setup_selectors.category_get(category_id=pk)
    if category is None:
        raise Http404
    initial = {
        "code": category.code,
        "name": category.name,
        "name_en": category.name_en,
        "sort_order": category.sort_order,
        "active": category.active,
    }
    title = (
        _("Edit sub-item %(name)s") if category.parent_id else _("Edit complaint category %(name)s")
    ) % {"name": category}
    return _category_form_page(
        request,
        form=CategoryForm(request.POST or None, initial=initial, editing=True),
        title=title,
        submit=_("Save"),
        parent=category.parent,
        save=lambda data: setup.category_save(
            actor=actor,
            data=_category_input(data, parent_id=category.parent_id),
            category_id=category.pk,
        ),
    )


@setup_required
@require_POST
def category_active(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    active = request.POST.get("active") == "1"

    def switch() -> str:
        category = setup.category_set_active(actor=actor, category_id=pk, active=active)
        if active:
            return _("%(name)s can be chosen again.") % {"name": category}
        return _("%(name)s is switched off; complaints already logged keep it.") % {
            "name": category
        }

    return action_then_back(
        request,
        switch,
        back=f"{reverse('service:complaint_setup')}#gx-cat-{pk}",
        refused=(NotFound,),
    )


# ---------------------------------------------------------------- routing rules


def _route_form(data: Any = None) -> RouteRuleForm:
    return RouteRuleForm(
        data,
        categories=setup_selectors.top_categories(),
        products=selectors.product_choices(),
        departments=selectors.department_choices(),
        users=selectors.handler_choices(),
    )


def _routes_page(request: HttpRequest, form: RouteRuleForm, *, status: int = 200) -> HttpResponse:
    return _page(
        request,
        "service/complaints/setup/routes.html",
        "routes",
        {"routes": setup_selectors.route_list(), "form": form},
        status=status,
    )


@setup_required
@require_GET
def route_list(request: HttpRequest) -> HttpResponse:
    return _routes_page(request, _route_form())


@setup_required
@require_POST
def route_create(request: HttpRequest) -> HttpResponse:
    form = _route_form(request.POST)

    def save(data: dict[str, Any]) -> str:
        setup.route_create(actor=request_user(request), data=setup.RouteInput(**data))
        return _("Routing rule added.")

    if form_saved(request, form, save):
        return redirect("service:complaint_setup_routes")
    return _routes_page(request, form, status=422)


@setup_required
@require_POST
def route_active(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    active = request.POST.get("active") == "1"

    def switch() -> str:
        setup.route_set_active(actor=actor, route_id=pk, active=active)
        if active:
            return _("The routing rule applies again.")
        return _("The routing rule is switched off; new complaints pass it by.")

    return action_then_back(
        request,
        switch,
        back=f"{reverse('service:complaint_setup_routes')}#gx-route-{pk}",
        refused=(NotFound,),
    )


@setup_required
@require_POST
def route_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)

    def delete() -> str:
        setup.route_delete(actor=actor, route_id=pk)
        return _("Routing rule deleted.")

    return action_then_back(
        request, delete, back="service:complaint_setup_routes", refused=(NotFound,)
    )


# ---------------------------------------------------------------- SLA targets


def _cell_key(request: HttpRequest) -> tuple[int | None, str]:
    """The grid cell a link names (?category=&severity=), or the default cell."""
    category_id = parse_id(request.GET.get("category"))
    severity = request.GET.get("severity", "")
    return category_id, severity if severity in Severity.values else ""


@setup_required
@require_http_methods(["GET", "POST"])
def sla_targets(request: HttpRequest) -> HttpResponse:
    categories = setup_selectors.top_categories()
    if request.method == "POST":
        form = SlaTargetForm(request.POST, categories=categories)

        def save(data: dict[str, Any]) -> str:
            setup.sla_target_set(actor=request_user(request), **data)
            return _("SLA target saved; new complaints use it.")

        if form_saved(request, form, save):
            return redirect("service:complaint_setup_sla")
        selected = (form.cleaned_data.get("category_id"), form.cleaned_data.get("severity", ""))
    else:
        category_id, severity = _cell_key(request)
        if category_id is not None and category_id not in {c.pk for c in categories}:
            category_id = None
        cell = setup_selectors.sla_cell(category_id=category_id, severity=severity)
        form = SlaTargetForm(
            initial={
                "category_id": category_id,
                "severity": severity,
                "respond_minutes": cell.respond_minutes,
                "resolve_minutes": cell.resolve_minutes,
            },
            categories=categories,
        )
        selected = (category_id, severity)
    cell = setup_selectors.sla_cell(category_id=selected[0], severity=selected[1] or "")
    context = {
        "form": form,
        "cell": cell,
        "grid": setup_selectors.sla_grid(),
        "day_text": _day_text(),
    }
    template = "service/complaints/setup/sla.html"
    if is_htmx(request) and request.headers.get("HX-Target") == "gx-sla":
        template += "#sla_body"  # a cell's link: the grid with the cell marked, and its form
    return _page(request, template, "sla", context, status=422 if form.errors else 200)


@setup_required
@require_POST
def sla_target_clear(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    category_id = parse_id(request.POST.get("category"))
    severity = request.POST.get("severity", "")

    def clear() -> str:
        setup.sla_target_clear(actor=actor, category_id=category_id, severity=severity)
        return _("The target is removed; the more general one applies again.")

    return action_then_back(
        request,
        clear,
        back=reverse("service:complaint_setup_sla"),
        refused=(NotFound, ValidationFailed),
    )


# ---------------------------------------------------------------- settings


@setup_required
@require_http_methods(["GET", "POST"])
def settings_edit(request: HttpRequest) -> HttpResponse:
    row = setup_selectors.settings_row()
    form = SettingsForm(
        request.POST or None,
        initial={
            "route_minutes": row.route_minutes,
            "next_level_minutes": row.next_level_minutes,
            "compensation_approval_above": row.compensation_approval_above,
        },
    )

    def save(data: dict[str, Any]) -> str:
        setup.settings_update(actor=request_user(request), **data)
        return _("Complaint settings saved.")

    if form_saved(request, form, save):
        return redirect("service:complaint_setup_settings")
    return _page(
        request,
        "service/complaints/setup/settings.html",
        "settings",
        {"form": form, "day_text": _day_text()},
        status=422 if form.errors else 200,
    )

"""Complaint pages (CMP): the list, a complaint's page with its five steps, logging one
(prefilled from ?customer=&channel=&call=, as the call centre links to it), the SLA board;
and the sections other apps show (360 panel, work list, waiting badge, home). Thin: parse,
call a service or selector, render."""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts.http import request_user
from guanxi.accounts.models import Department, User
from guanxi.accounts.permissions import EXPORT
from guanxi.accounts.selectors import user_can
from guanxi.core import home as home_kinds
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.core.home import HomeSection
from guanxi.core.home import home_section as render_home_section
from guanxi.core.http import (
    file_download,
    filters_from_query,
    form_post,
    next_page_url,
    notice_text,
    or_notice,
    page_from_query,
    query_without,
    redirect_to_saved,
    render_form,
)
from guanxi.core.pagination import parse_id
from guanxi.core.waiting import WAITING_CAP, WaitingItem
from guanxi.customers.archive.panel_views import customer_panel
from guanxi.customers.archive.selectors import search_condition
from guanxi.customers.models import Customer
from guanxi.service import hooks
from guanxi.service.common import permissions
from guanxi.service.complaints import exports, selectors, services, stats
from guanxi.service.complaints.forms import (
    AcceptForm,
    CloseForm,
    CompensationForm,
    ComplaintCreateForm,
    ReopenForm,
    RouteForm,
    StepForm,
)
from guanxi.service.models import Complaint, ComplaintEvent, Severity

SEARCH_ROWS = 10


# ---------------------------------------------------------------- the list


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    filters = filters_from_query(request, selectors.ComplaintFilters)
    page = page_from_query(
        request, functools.partial(selectors.complaint_page, user=request.user, filters=filters)
    )
    now = timezone.now()
    context = {
        "page": page,
        "rows": [(c, selectors.sla_state(c, now=now)) for c in page.items],
        "filters": filters,
        "categories": selectors.category_tree(),
        "statuses": Complaint.Status.choices,
        "channels": Complaint.Channel.choices,
        "severities": Severity.choices,
        "slas": _sla_choices(),
        "next_url": next_page_url(filters.as_params(), page.next_cursor),
        "query": query_without(request, "after"),
        "can_board": user_can(user=request.user, permission=permissions.COMPLAINT_STATS),
    }
    return render(request, "service/complaints/list.html", context)


def _sla_choices() -> list[tuple[str, str]]:
    return [
        (selectors.Sla.MISSED, _("Target missed")),
        (selectors.Sla.AT_RISK, _("Due within the hour")),
        (selectors.Sla.ON_TRACK, _("On track")),
    ]


# ---------------------------------------------------------------- one complaint


def _detail(
    request: HttpRequest, complaint: Complaint, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request_user(request)
    is_open = complaint.status == Complaint.Status.OPEN
    can_change = selectors.may_change(user=user, complaint=complaint)
    next_step = (
        ComplaintEvent.Kind(services.STEPS[complaint.step])
        if is_open and 0 < complaint.step < len(services.STEPS)
        else None
    )
    can_route = is_open and (
        complaint.owner_id == user.pk
        or user_can(user=user, permission=permissions.COMPLAINT_ACCEPT)
        or user_can(user=user, permission=permissions.COMPLAINT_OTHERS)
    )
    steps_done = []
    for index, kind in enumerate(services.STEPS, start=1):
        steps_done.append(
            {
                "kind": kind,
                "label": ComplaintEvent.Kind(kind).label,
                "done": complaint.step >= index,
            }
        )
    context = {
        "complaint": complaint,
        "events": selectors.complaint_events(complaint),
        "clocks": selectors.clocks(complaint),
        "steps": steps_done,
        "next_step": next_step,
        "can_accept": services.may_accept(actor=user, complaint=complaint),
        "can_step": can_change and next_step is not None,
        "can_close": can_change and is_open and complaint.step == len(services.STEPS),
        "can_reopen": can_change and not is_open,
        "can_compensate": can_change
        and is_open
        and complaint.compensation_state != Complaint.Compensation.PENDING,
        "can_route": can_route,
        "accept_form": forms.get("accept_form") or AcceptForm(),
        "step_form": forms.get("step_form")
        or StepForm(initial={"step": next_step.value if next_step else ""}),
        "close_form": forms.get("close_form") or CloseForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "compensation_form": forms.get("compensation_form") or CompensationForm(),
        "route_form": forms.get("route_form") or _route_form() if can_route else None,
        "threshold": services.complaint_settings().compensation_approval_above,
        "sections": [
            html
            for html in hooks.complaint_sections.call_all(request=request, complaint=complaint)
            if html
        ],
    }
    return render(request, "service/complaints/detail.html", context, status=status)


def _route_form(data: Any = None) -> RouteForm:
    return RouteForm(
        data, users=selectors.handler_choices(), departments=selectors.department_choices()
    )


def _complaint(request: HttpRequest, pk: int) -> Complaint:
    return selectors.complaint_for_user(user=request.user, complaint_id=pk)


@login_required
@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _complaint(request, pk))


def _act(
    request: HttpRequest, pk: int, form: Any, form_name: str, action: Any, done: str
) -> HttpResponse:
    """Run `action(cleaned_data)` for a valid form and go back to the complaint; else show
    the page with the form's errors (422)."""
    complaint = _complaint(request, pk)
    return form_post(
        request,
        form,
        action,
        done=done,
        back=reverse("service:complaint_detail", args=[pk]),
        refused=lambda form: _detail(
            request, _complaint(request, complaint.pk), status=422, **{form_name: form}
        ),
        noticed=(PermissionDenied,),
    )


def _step_view(
    form_class: type[Form], form_name: str, service: Callable[..., Complaint], done: Promise
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A POST of a complaint's page whose form's fields are the service's arguments (accept,
    a step, close, reopen, compensate)."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        actor = request_user(request)
        return _act(
            request,
            pk,
            form_class(request.POST),
            form_name,
            lambda data: service(actor=actor, complaint_id=pk, **data),
            str(done),
        )

    view.__name__ = view.__qualname__ = service.__name__
    return view


complaint_accept = _step_view(
    AcceptForm,
    "accept_form",
    services.complaint_accept,
    gettext_lazy("You accepted the complaint; you are responsible for it now (首问责任制)."),
)
complaint_step = _step_view(
    StepForm, "step_form", services.complaint_step, gettext_lazy("Step recorded.")
)
complaint_close = _step_view(
    CloseForm, "close_form", services.complaint_close, gettext_lazy("The complaint is closed.")
)
complaint_reopen = _step_view(
    ReopenForm,
    "reopen_form",
    services.complaint_reopen,
    gettext_lazy("The complaint is open again."),
)
complaint_compensate = _step_view(
    CompensationForm,
    "compensation_form",
    services.complaint_compensate,
    gettext_lazy("Compensation recorded."),
)


@login_required
@require_POST
def complaint_route(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)

    def route(data: dict[str, Any]) -> Complaint:
        to_user = User.objects.filter(pk=data["to_user"]).first() if data["to_user"] else None
        to_department = (
            Department.objects.filter(pk=data["to_department"]).first()
            if data["to_department"]
            else None
        )
        return services.complaint_route(
            actor=actor,
            complaint_id=pk,
            note=data["note"],
            to_user=to_user,
            to_department=to_department,
        )

    return _act(request, pk, _route_form(request.POST), "route_form", route, _("Routed."))


# ---------------------------------------------------------------- logging a complaint


def _customer_for_new(user: Any, raw: Any) -> Customer | None:
    customer_id = parse_id(raw) if raw else None
    if customer_id is None:
        return None
    return (
        Customer.objects.editable_by(user, action=permissions.COMPLAINT_LOG)
        .filter(pk=customer_id, deleted_at__isnull=True)
        .only("id", "name", "mobile")
        .first()
    )


def _search(user: Any, text: str) -> list[Customer]:
    condition = search_condition(text=text)
    if condition is None:
        return []
    return list(
        Customer.objects.editable_by(user, action=permissions.COMPLAINT_LOG)
        .filter(condition, deleted_at__isnull=True)
        .only("id", "name")
        .order_by("-id")[:SEARCH_ROWS]
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    source = request.POST if request.method == "POST" else request.GET
    customer = _customer_for_new(user, source.get("customer"))
    categories = selectors.category_tree()
    channel = source.get("channel") or Complaint.Channel.PHONE
    initial = {
        "customer": customer.pk if customer else None,
        "channel": channel if channel in Complaint.Channel.values else Complaint.Channel.PHONE,
        "call": parse_id(source.get("call") or "") or None,
    }
    form = ComplaintCreateForm(
        request.POST if request.method == "POST" else None,
        categories=categories,
        products=selectors.product_choices(),
        initial=initial,
    )

    def log(data: dict[str, Any]) -> Complaint:
        return services.complaint_create(
            actor=user,
            new=services.NewComplaint(
                customer_id=data["customer"],
                channel=data["channel"],
                category_id=data["category"],
                item_id=data["item"],
                severity=data["severity"],
                product_id=data["product"],
                title=data["title"],
                description=data["description"],
                call_id=data["call"],
            ),
        )

    logged = redirect_to_saved(
        request, form, log, done=_("Complaint logged."), detail="service:complaint_detail"
    )
    if logged is not None:
        return logged
    search = (request.GET.get("q") or "").strip()
    keep = {key: str(source.get(key)) for key in ("channel", "call") if source.get(key)}
    return render_form(
        request,
        "service/complaints/create.html",
        {
            "customer": customer,
            "search": search,
            "matches": _search(user, search) if search and customer is None else [],
            "keep": urlencode(keep),
            "keep_items": keep.items(),
        },
        form=form,
    )


# ---------------------------------------------------------------- the SLA board


@login_required
@require_GET
def sla_board(request: HttpRequest) -> HttpResponse:
    if not user_can(user=request.user, permission=permissions.COMPLAINT_STATS):
        raise PermissionDenied()
    board = selectors.sla_board(user=request.user)
    return render(request, "service/complaints/board.html", {"board": board})


# ---------------------------------------------------------------- statistics (CMP-4)


@login_required
@require_GET
def complaint_stats(request: HttpRequest) -> HttpResponse:
    if not user_can(user=request.user, permission=permissions.COMPLAINT_STATS):
        raise PermissionDenied()
    period = or_notice(
        request, lambda: stats.Period.from_params(request.GET), lambda: stats.Period.from_params({})
    )
    report = stats.complaint_report(user=request.user, period=period)
    chart = {
        "category": {
            "names": [row.label for row in report.by_category],
            "series": [{"name": _("Complaints"), "data": [r.count for r in report.by_category]}],
        },
        "channel": {
            "names": [row.label for row in report.by_channel],
            "series": [{"name": _("Complaints"), "data": [r.count for r in report.by_channel]}],
        },
        "outcomes": {
            "names": [row.label for row in report.outcomes],
            "series": [
                {
                    "name": _("Repurchase rate here (%)"),
                    "data": [row.rate or 0 for row in report.outcomes],
                },
                {
                    "name": _("Seed figure (%)"),
                    "data": [row.seed_rate for row in report.outcomes],
                },
            ],
        },
    }
    return render(
        request,
        "service/complaints/stats.html",
        {
            "report": report,
            "chart": chart,
            "since": period.since,
            "until": period.until,
            "can_export": user_can(user=request.user, permission=EXPORT),
        },
    )


@login_required
@require_GET
def complaint_stats_export(request: HttpRequest) -> HttpResponse | FileResponse:
    """The page's "Download Excel": the same period and scope as the page, one sheet a
    table. A period the page would refuse is sent back to the page with its error."""
    user = request_user(request)
    try:
        period = stats.Period.from_params(request.GET)
    except ValidationFailed as exc:
        messages.error(request, notice_text(exc))
        return redirect("service:complaint_stats")
    book = exports.complaint_stats_workbook(actor=user, period=period)
    return file_download(book.file, filename=book.filename, content_type=book.content_type)


# ---------------------------------------------------------------- sections of other pages


@login_required
@require_GET
def customer_complaints(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The customer's complaints, with "log a complaint" for who may (the 360 page's panel)."""
    now = timezone.now()
    return customer_panel(
        request,
        customer_id,
        "service/complaints/panel.html",
        lambda user, customer: {
            "rows": [
                (c, selectors.sla_state(c, now=now))
                for c in selectors.customer_complaints(customer=customer)
            ],
            "can_create": selectors.customer_complaint_loggable(user=user, customer=customer),
        },
        title=_("Complaints"),
    )


def worklist_section(*, request: HttpRequest, user: Any, **kwargs: Any) -> SafeString | str:
    """The person's open complaints at the top of their work list, escalated first."""
    count, capped, rows = selectors.mine_open(user=user)
    waiting = selectors.queue_waiting(user=user, cap=WAITING_CAP) if user == request.user else 0
    if not count and not waiting:
        return ""
    now = timezone.now()
    return render_to_string(
        "service/complaints/worklist.html",
        {
            "count": count,
            "capped": capped,
            "rows": [(c, selectors.sla_state(c, now=now)) for c in rows],
            "waiting": waiting,
            "target": user,
        },
        request=request,
    )


def waiting_item(*, user: Any, **kwargs: Any) -> WaitingItem | None:
    count = selectors.waiting_count(user=user, cap=WAITING_CAP + 1)
    url = reverse("service:complaint_list") + f"?owner={user.pk}"
    return WaitingItem("complaints", _("Complaints to act on"), count, url)


def home_section(
    *, request: HttpRequest, user: Any, kinds: frozenset[str], **kwargs: Any
) -> HomeSection | None:
    """The service agent's and customer relations' home: their complaints, the queue, and
    (for who sees the board) how many are past a target."""
    if not kinds & {home_kinds.SERVICE, home_kinds.RELATIONS, home_kinds.MANAGER}:
        return None
    count, capped, rows = selectors.mine_open(user=user)
    waiting = selectors.queue_waiting(user=user, cap=WAITING_CAP)
    missed = None
    if user_can(user=user, permission=permissions.COMPLAINT_STATS):
        missed = selectors.complaint_count(
            user=user,
            filters=selectors.ComplaintFilters(sla=selectors.Sla.MISSED),
        )
    now = timezone.now()
    context = {
        "count": count,
        "capped": capped,
        "rows": [(c, selectors.sla_state(c, now=now)) for c in rows],
        "waiting": waiting,
        "missed": missed,
    }
    return render_home_section("service/complaints/home.html", request, context, order=12)

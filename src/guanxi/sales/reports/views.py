"""Pages of the manager view (ORD-6), sales targets (ORD-8) and the user's home page.
Thin: parse, call one selector or service, render. Domain errors become messages or 403."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.accounts.models import Department, User
from guanxi.accounts.permissions import EXPORT
from guanxi.accounts.selectors import user_can, users_in_scope
from guanxi.core import home as home_kinds
from guanxi.core.errors import DomainError, PermissionDenied, ValidationFailed
from guanxi.core.home import HomeSection, home_section
from guanxi.sales.approvals.selectors import approval_queue_for_user, queue_count
from guanxi.sales.common.permissions import SET_TARGETS
from guanxi.sales.models import SalesTarget
from guanxi.sales.receivables import selectors as selectors_receivables
from guanxi.sales.reports.exports import manager_report_xlsx
from guanxi.sales.reports.forms import ReportPeriodForm, TargetPeriodForm, TargetValuesForm
from guanxi.sales.reports.selectors import (
    department_choices,
    manager_report,
    report_period,
    team_month,
)
from guanxi.sales.targets import selectors as selectors_targets
from guanxi.sales.targets import services as services_targets
from guanxi.sales.targets.selectors import period_bounds

Metric = SalesTarget.Metric


def _url(name: str, *args, query: dict | list | None = None) -> str:
    """The URL of a page, with a query string."""
    url = reverse(name, args=args)
    if query:
        url += "?" + urlencode(query, doseq=True)
    return url


# ---------------------------------------------------------------- manager view


def _drill_links(row, period) -> dict:
    """Links from a row's figures to the lists behind them."""
    if row.department is not None:
        who = {"department": row.department.pk}
    elif row.user is not None:
        who = {"owner": row.user.pk}
    else:
        return {}
    # The contract list filters one status at a time, so the signed link lists every
    # contract signed in the period (terminated ones too); the receivables list has no
    # "all overdue" bucket, so the overdue link lists the open instalments of the row.
    signed = _url(
        "sales:contract_list",
        query={
            **who,
            "signed_from": period.start.isoformat(),
            "signed_to": period.end.isoformat(),
        },
    )
    return {
        "signed": signed,
        "contracts": _url("sales:contract_list", query=who),
        "overdue": _url("sales:receivables", query=who),
    }


def _report(request):
    form = ReportPeriodForm(request.GET or None, user=request.user)
    try:
        period, department = form.result()
        report = manager_report(viewer=request.user, period=period, department=department)
    except ValidationFailed as error:
        for name, errors in error.field_errors.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
        report = manager_report(viewer=request.user, period=report_period())
    return form, report


@login_required
@require_GET
def manager_view(request):
    form, report = _report(request)
    for row in [*report.users, *report.departments]:
        row.links = _drill_links(row, report.period)
    users_with_names = [row for row in report.users if row.user is not None]
    chart = {
        "names": [str(row.user) for row in users_with_names],
        "series": [
            {
                "name": _("Signed amount"),
                "data": [str(row.figures.signed_amount) for row in users_with_names],
            },
            {
                "name": _("Collected"),
                "data": [str(row.figures.collected) for row in users_with_names],
            },
            {
                "name": _("Overdue amount"),
                "data": [str(row.figures.overdue_amount) for row in users_with_names],
            },
        ],
    }
    return render(
        request,
        "sales/reports/manager.html",
        {
            "form": form,
            "report": report,
            "chart": chart,
            "query": request.GET.urlencode(),
            "can_export": user_can(user=request.user, permission=EXPORT),
            "can_set_targets": user_can(user=request.user, permission=SET_TARGETS),
            "metrics": Metric,
        },
    )


@login_required
@require_GET
def manager_export(request):
    form, report = _report(request)
    if form.errors:
        messages.error(request, _("Please correct the errors below."))
        return redirect(reverse("sales:manager_view") + "?" + request.GET.urlencode())
    return manager_report_xlsx(request=request, report=report)


# ---------------------------------------------------------------- targets


def _subject(actor, key: str):
    """ "u<id>" → (user, None), "d<id>" → (None, department), in the actor's scope."""
    kind, pk = key[:1], int(key[1:])
    if kind == "u":
        user = users_in_scope(user=actor).filter(pk=pk).first()
        if user is None:
            raise PermissionDenied(_("You may only set targets for users in your data scope."))
        return user, None
    department = next((d for d in department_choices(viewer=actor) if d.pk == pk), None)
    if department is None:
        raise PermissionDenied(_("You may only set targets for departments in your data scope."))
    return None, department


def _target_rows(actor, *, period, starts_on, failed=None):
    """One row per department and user in scope with its targets and their progress."""
    targets = selectors_targets.targets_for_period(user=actor, period=period, starts_on=starts_on)
    progress: dict[str, dict] = {}
    for item in selectors_targets.targets_with_progress(viewer=actor, targets=targets):
        target = item.target
        key = f"d{target.department_id}" if target.department_id else f"u{target.user_id}"
        progress.setdefault(key, {})[target.metric] = item
    subjects: list[tuple[str, object, int]] = [
        (f"d{d.pk}", d, d.depth) for d in department_choices(viewer=actor)
    ]
    subjects += [
        (f"u{u.pk}", u, 0)
        for u in users_in_scope(user=actor).order_by("department__path", "username")
    ]
    rows = []
    for key, subject, depth in subjects:
        items = progress.get(key, {})
        if failed is not None and failed[0] == key:
            form = failed[1]
        else:
            initial = {
                "subject": key,
                "period": period,
                "starts_on": starts_on,
            }
            for metric, name in TargetValuesForm.METRIC_FIELDS.items():
                item = items.get(metric)
                if item is not None:
                    value = item.target.value
                    initial[name] = str(int(value)) if metric == Metric.NEW_CUSTOMERS else value
            form = TargetValuesForm(initial=initial, prefix=key)
        rows.append(
            {
                "key": key,
                "subject": subject,
                "is_department": isinstance(subject, Department),
                "depth": depth,
                "form": form,
                "progress": [items.get(metric) for metric in TargetValuesForm.METRIC_FIELDS],
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def targets(request):
    if not user_can(user=request.user, permission=SET_TARGETS):
        raise PermissionDenied(_("You may not set sales targets."))
    period_form = TargetPeriodForm(request.GET or None)
    period, on = period_form.result()
    failed = None
    if request.method == "POST":
        key = request.POST.get("key", "")
        form = TargetValuesForm(request.POST, prefix=key if key[:1] in ("u", "d") else "x")
        if form.is_valid() and form.cleaned_data["subject"] == key:
            user, department = _subject(request.user, key)
            period = form.cleaned_data["period"]
            on = form.cleaned_data["starts_on"]
            try:
                services_targets.targets_save(
                    actor=request.user,
                    user=user,
                    department=department,
                    period=period,
                    starts_on=on,
                    values=form.values(),
                )
            except PermissionDenied:
                raise
            except DomainError as error:
                for name, errors in error.field_errors.items():
                    field = TargetValuesForm.METRIC_FIELDS.get(name, name)
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
                messages.error(request, str(error.message))
                failed = (key, form)
            else:
                messages.success(request, _("Targets saved."))
                query = urlencode({"period": period, "on": on.isoformat()})
                return redirect(reverse("sales:targets") + "?" + query + f"#row-{key}")
        else:
            messages.error(request, _("Please correct the errors below."))
            failed = (key, form)
    starts_on, ends_on = period_bounds(period, on)
    rows = _target_rows(request.user, period=period, starts_on=starts_on, failed=failed)
    return render(
        request,
        "sales/reports/targets.html",
        {
            "period_form": period_form,
            "period": period,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "rows": rows,
        },
        status=422 if failed else 200,
    )


# ---------------------------------------------------------------- home page sections


@login_required
@require_GET
def home(request):
    """The home page moved to / (one page for every role); old links and bookmarks follow."""
    return redirect("home")


def home_month_section(*, request, user: User, kinds, **kwargs) -> HomeSection | None:
    """A consultant's month: signed, collected, overdue, and their own targets."""
    if home_kinds.SALES not in kinds:
        return None
    today = timezone.localdate()
    context = {
        "month": selectors_targets.my_month_figures(user=user, today=today),
        "receivables_url": _url("sales:receivables", query={"owner": user.pk}),
    }
    return home_section("sales/home/month.html", request, context, order=20, wide=True)


def home_targets_section(*, request, user: User, kinds, **kwargs) -> HomeSection | None:
    """A consultant's own targets of the month, quarter and year, with progress."""
    if home_kinds.SALES not in kinds:
        return None
    context = {"targets": selectors_targets.my_targets(user=user)}
    return home_section("sales/home/targets.html", request, context, order=35)


def home_overdue_section(*, request, user: User, kinds, **kwargs) -> HomeSection | None:
    """The team's oldest overdue instalments (the totals are on the team section)."""
    if home_kinds.MANAGER not in kinds:
        return None
    rows, count, capped = selectors_receivables.overdue_oldest_for_user(user=user)
    context = {
        "rows": rows,
        "count": count,
        "capped": capped,
        "receivables_url": _url("sales:receivables"),
    }
    return home_section("sales/home/overdue.html", request, context, order=35)


def home_instalments_section(*, request, user: User, kinds, **kwargs) -> HomeSection | None:
    """A consultant's money to chase: overdue instalments and those falling due this week."""
    if home_kinds.SALES not in kinds:
        return None
    today = timezone.localdate()
    count, capped, overdue = selectors_receivables.overdue_for_owner(user=user, today=today)
    context = {
        "overdue": overdue,
        "overdue_count": count,
        "overdue_capped": capped,
        "due_soon": selectors_receivables.due_soon_for_owner(user=user, today=today),
        "due_days": selectors_receivables.DUE_SOON_DAYS,
        "receivables_url": _url("sales:receivables", query={"owner": user.pk}),
    }
    return home_section("sales/home/instalments.html", request, context, order=15)


def home_approvals_section(*, request, user: User, kinds, **kwargs) -> HomeSection | None:
    """Approvals waiting for the user: on a manager's home always, on anyone else's when
    something waits for them."""
    count = queue_count(user=user)
    if not count and home_kinds.MANAGER not in kinds:
        return None
    tasks, _cursor = approval_queue_for_user(user=user, limit=HOME_APPROVALS)
    context = {"tasks": tasks, "count": count}
    return home_section("sales/home/approvals.html", request, context, order=4)


HOME_APPROVALS = 5


def home_team_section(*, request, user: User, kinds, **kwargs) -> HomeSection | None:
    """The team's month: each member's signed amount against the target, and collected."""
    if home_kinds.MANAGER not in kinds:
        return None
    context = {"team": team_month(viewer=user), "manager_url": _url("sales:manager_view")}
    return home_section("sales/home/team.html", request, context, order=20, wide=True)


def home_signed_section(*, request, user: User, kinds, **kwargs) -> HomeSection | None:
    """Customers relations: who has just bought (the start of the care after the sale)."""
    if home_kinds.RELATIONS not in kinds:
        return None
    days = 14
    context = {
        "contracts": selectors_targets.recently_signed(user=user, days=days),
        "days": days,
    }
    return home_section("sales/home/signed.html", request, context, order=20)

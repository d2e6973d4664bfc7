"""Pages of the funnel (ACQ-4), team supervision (INT-9) and the tracked-pool quotas per team
(INT-3), with their spreadsheet exports. Thin: parse, call one selector or service, render."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.accounts.models import Department
from guanxi.accounts.permissions import EXPORT, MANAGE_USERS
from guanxi.accounts.selectors import departments_in_scope, user_can
from guanxi.core.audit import audit_record
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.core.http import file_download
from guanxi.core.models import AuditLog
from guanxi.core.spreadsheets import safe
from guanxi.pipeline.permissions import MANAGE_QUOTAS
from guanxi.pipeline.prospects.selectors import quota_for
from guanxi.pipeline.prospects.services import quota_follow_default, quota_set
from guanxi.pipeline.reports.forms import FunnelForm
from guanxi.pipeline.reports.selectors import (
    ACTIVITY_DAYS,
    JUDGEMENT_WINDOW_DAYS,
    MOVES_DAYS,
    RELEASE_DAYS,
    REVERSAL_DAYS,
    funnel_figures,
    supervises_others,
    team_overview,
)

# ---------------------------------------------------------------- exports


def _xlsx(request, *, name: str, title: str, header: list, rows: list, detail: dict):
    if not user_can(user=request.user, permission=EXPORT):
        raise PermissionDenied(_("You may not export data."))
    # openpyxl takes 5 MiB and a while to import and only exports need it: not in every worker.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([safe(value) for value in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    workbook.save(output)
    output.seek(0)
    audit_record(
        actor=request.user,
        action=AuditLog.Action.EXPORT,
        summary=f"{name}.xlsx: {len(rows)}",
        detail={**detail, "rows": len(rows), "format": "xlsx", "complete": True},
        request=request,
    )
    return file_download(
        output,
        filename=f"{name}-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _percent(value):
    return None if value is None else round(value * 100, 1)


# ---------------------------------------------------------------- funnel


def _funnel(request):
    form = FunnelForm(request.GET or None, user=request.user)
    start, end = form.period()
    figures = funnel_figures(
        user=request.user, start=start, end=end, source=form.source_id(), owner=form.owner_id()
    )
    return form, figures


@login_required
@require_GET
def funnel(request):
    form, figures = _funnel(request)
    chart = [{"name": str(row.stage), "value": row.reached} for row in figures["rows"]]
    return render(
        request,
        "pipeline/funnel.html",
        {
            "form": form,
            "figures": figures,
            "chart": chart,
            "query": request.GET.urlencode(),
            "can_export": user_can(user=request.user, permission=EXPORT),
        },
    )


@login_required
@require_GET
def funnel_export(request):
    form, figures = _funnel(request)
    header = [
        _("Stage"),
        _("Customers reached"),
        _("Expected amount"),
        _("Conversion to next (%)"),
        _("Median days"),
    ]
    rows = [
        [str(r.stage), r.reached, r.amount, _percent(r.conversion), r.median_days]
        for r in figures["rows"] + figures["refused"]
    ]
    detail = {
        "filters": {k: str(v) for k, v in (form.cleaned_data if form.is_bound else {}).items()},
        "period": [str(figures["start"]), str(figures["end"])],
    }
    return _xlsx(request, name="funnel", title=_("Funnel"), header=header, rows=rows, detail=detail)


# ---------------------------------------------------------------- team


def _require_manager(request) -> None:
    if not supervises_others(user=request.user):
        raise PermissionDenied(_("This page is for managers."))


def _team_overview(request) -> dict:
    _require_manager(request)
    return team_overview(manager=request.user)


def _team_context():
    return {
        "activity_days": ACTIVITY_DAYS,
        "moves_days": MOVES_DAYS,
        "release_days": RELEASE_DAYS,
        "reversal_days": REVERSAL_DAYS,
        "judgement_oldest": REVERSAL_DAYS + JUDGEMENT_WINDOW_DAYS,
    }


@login_required
@require_GET
def team(request):
    overview = _team_overview(request)
    stages = overview["stages"]
    for row in overview["rows"]:
        row.pool_cells = [row.pool.get(stage.pk, 0) for stage in stages]
    chart = {
        "users": [str(row.user) for row in overview["rows"]],
        "series": [
            {"name": _("Tracked"), "data": [row.pool_total for row in overview["rows"]]},
            {"name": _("Overdue"), "data": [row.overdue for row in overview["rows"]]},
            {
                "name": _("Follow-ups / day"),
                "data": [row.followups_per_day for row in overview["rows"]],
            },
            {
                "name": _("Effective contacts / day"),
                "data": [row.effective_per_day for row in overview["rows"]],
            },
        ],
    }
    return render(
        request,
        "pipeline/team.html",
        {
            "overview": overview,
            "chart": chart,
            "can_export": user_can(user=request.user, permission=EXPORT),
            "can_set_quotas": user_can(user=request.user, permission=MANAGE_QUOTAS),
            # the consultant, the stages and the tracked count, before the money columns
            "total_colspan": len(stages) + 2,
            **_team_context(),
        },
    )


@login_required
@require_GET
def team_export(request):
    overview = _team_overview(request)
    stages = overview["stages"]
    header = [_("Consultant"), _("Department")]
    header += [str(stage) for stage in stages]
    header += [
        _("Tracked"),
        _("Tracked ¥"),
        _("Closing this month ¥"),
        _("Forecast ¥"),
        _("Target ¥"),
        _("Overdue"),
        _("Follow-ups / day"),
        _("Effective contacts / day"),
        _("Moves forward"),
        _("Moves backward"),
        _("Releases"),
        _("Stage accuracy (%)"),
    ]
    rows = []
    for row in overview["rows"]:
        rows.append(
            [str(row.user), str(row.user.department or "")]
            + [row.pool.get(stage.pk, 0) for stage in stages]
            + [
                row.pool_total,
                row.tracked_amount,
                row.closing_amount,
                row.forecast,
                row.target,
                row.overdue,
                row.followups_per_day,
                row.effective_per_day,
                row.forward,
                row.backward,
                row.releases,
                _percent(row.accuracy),
            ]
        )
    return _xlsx(request, name="team", title=_("Team"), header=header, rows=rows, detail={})


# ---------------------------------------------------------------- tracked-pool quotas (INT-3)

QUOTA_FIELDS = ("stage0", "stage12", "stage34", "daily_target", "signed_per_month")


@login_required
@require_http_methods(["GET", "POST"])
def team_quotas(request):
    """A manager sets the quotas of the departments they manage."""
    _require_manager(request)
    if not user_can(user=request.user, permission=MANAGE_QUOTAS):
        raise PermissionDenied(_("You may not set the quotas of teams."))
    departments = list(departments_in_scope(user=request.user).order_by("path"))
    errors, failed_key = {}, None
    if request.method == "POST":
        key = request.POST.get("department", "")
        department = None
        if key != "default":
            department = next((d for d in departments if str(d.pk) == key), None)
            if department is None:
                raise PermissionDenied(_("You may only set quotas for teams you manage."))
        try:
            if department is not None and request.POST.get("action") == "follow_default":
                quota_follow_default(actor=request.user, department=department)
            else:
                quota_set(
                    actor=request.user,
                    department=department,
                    **{name: request.POST.get(name) for name in QUOTA_FIELDS},
                )
        except (ValidationFailed, PermissionDenied) as error:
            # The company default is for administrators: a manager is told so on the page.
            errors, failed_key = error.field_errors, key
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Quotas saved."))
            return redirect("pipeline:team_quotas")
    rows = [
        _quota_row(department, errors if failed_key == str(department.pk) else {})
        for department in departments
    ]
    default = None
    if user_can(user=request.user, permission=MANAGE_USERS):
        default = _quota_row(None, errors if failed_key == "default" else {})
    return render(request, "pipeline/team_quotas.html", {"rows": rows, "default": default})


def _quota_row(department: Department | None, errors: dict) -> dict:
    quota = quota_for(department_id=department.pk if department else None)
    own = department is None or quota.department_id == department.pk
    return {
        "key": str(department.pk) if department else "default",
        "department": department,
        "quota": quota,
        "inherited": not own,
        "errors": errors,
    }

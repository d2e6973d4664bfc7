"""Tracked-pool quotas per team (INT-3): a manager sets them for the departments they manage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from guanxi.accounts.models import Department
from guanxi.accounts.permissions import MANAGE_USERS
from guanxi.accounts.selectors import departments_in_scope, user_can
from guanxi.core.errors import DomainError
from guanxi.pipeline import services
from guanxi.pipeline.team import supervises_others

FIELDS = ("stage0", "stage12", "stage34", "daily_target")


@login_required
@require_http_methods(["GET", "POST"])
def team_quotas(request):
    if not supervises_others(request.user):
        raise HttpForbidden(_("This page is for managers."))
    departments = list(departments_in_scope(request.user).order_by("path"))
    errors, failed_key = {}, None
    if request.method == "POST":
        key = request.POST.get("department", "")
        department = None
        if key != "default":
            department = next((d for d in departments if str(d.pk) == key), None)
            if department is None:
                raise HttpForbidden(_("You may only set quotas for teams you manage."))
        try:
            services.quota_set(
                actor=request.user,
                department=department,
                **{name: request.POST.get(name) for name in FIELDS},
            )
        except DomainError as error:
            errors, failed_key = error.field_errors, key
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Quotas saved."))
            return redirect("pipeline:team_quotas")
    rows = [
        _row(department, errors if failed_key == str(department.pk) else {})
        for department in departments
    ]
    default = None
    if user_can(request.user, MANAGE_USERS):
        default = _row(None, errors if failed_key == "default" else {})
    return render(request, "pipeline/team_quotas.html", {"rows": rows, "default": default})


def _row(department: Department | None, errors: dict) -> dict:
    quota = services.quota_for(department.pk if department else None)
    own = department is None or quota.department_id == department.pk
    return {
        "key": str(department.pk) if department else "default",
        "department": department,
        "quota": quota,
        "inherited": not own,
        "errors": errors,
    }

"""/api/v1 for sales targets and the manager view (ORD-6, ORD-8).

GET /sales/targets lists the targets in the caller's scope with their progress; PUT sets
one (needs sales.targets; the user or department must be in the caller's scope — 403
otherwise, 404 for an id that does not exist; bad values 422, nothing written).
GET /sales/reports/manager returns the manager view's figures in the caller's scope.
"""

import datetime as dt
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from guanxi.accounts.models import Department, User
from guanxi.core.api_endpoints import referenced
from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.core.schemas import ErrorOut, QueryId
from guanxi.sales.models import SalesTarget
from guanxi.sales.reports import selectors as reports
from guanxi.sales.reports.schemas import ManagerReportOut, TargetIn, TargetOut, report_out
from guanxi.sales.targets import selectors as selectors_targets
from guanxi.sales.targets import services as services_targets

router = Router(tags=["sales"])


class TargetQuery(Schema):
    period: Annotated[str, Field(max_length=8)] = Field("month", description="month, quarter, year")
    on: dt.date | None = Field(None, description="A day of the period (default today)")
    user: QueryId | None = None
    department: QueryId | None = None


@router.get("/sales/targets", response=list[TargetOut], summary="Targets in scope, with progress")
def target_list(request, query: Query[TargetQuery]):
    if query.period not in SalesTarget.Period.values:
        raise ValidationFailed(field_errors={"period": [_("Choose month, quarter or year.")]})
    starts_on = selectors_targets.period_start(
        period=query.period, day=query.on or timezone.localdate()
    )
    targets = selectors_targets.visible_targets(user=request.auth).filter(
        period=query.period, starts_on=starts_on
    )
    if query.user:
        targets = targets.filter(user_id=query.user)
    if query.department:
        targets = targets.filter(department_id=query.department)
    targets = list(targets.order_by("department_id", "user_id", "metric", "id"))
    progress = selectors_targets.targets_with_progress(viewer=request.auth, targets=targets)
    return [TargetOut.from_progress(item) for item in progress]


def _department(pk: int | None) -> Department | None:
    return referenced(
        Department.objects, pk, field="department", message=_("No such department."), error=NotFound
    )


# 404: no such user or department.
@router.put(
    "/sales/targets",
    response={200: TargetOut, 404: ErrorOut},
    summary="Set one target (create or update)",
)
def target_put(request, payload: TargetIn):
    user = referenced(
        User.objects, payload.user, field="user", message=_("No such user."), error=NotFound
    )
    department = _department(payload.department)
    target = services_targets.target_set(
        actor=request.auth,
        user=user,
        department=department,
        period=payload.period,
        starts_on=payload.starts_on,
        metric=payload.metric,
        value=str(payload.value),
    )
    target = SalesTarget.objects.select_related("user", "department").get(pk=target.pk)
    return TargetOut.from_progress(
        selectors_targets.targets_with_progress(viewer=request.auth, targets=[target])[0]
    )


class ManagerQuery(Schema):
    period: Annotated[str, Field(max_length=8)] = Field(
        "month", description="month, quarter, year or custom"
    )
    on: dt.date | None = Field(None, description="A day of the period (default today)")
    start: dt.date | None = Field(None, description="custom: first day")
    end: dt.date | None = Field(None, description="custom: last day")
    department: QueryId | None = Field(
        None, description="Only this department and its sub-departments"
    )


@router.get(
    "/sales/reports/manager",
    response={200: ManagerReportOut, 404: ErrorOut},  # 404: no such department
    summary="Manager view: per consultant and department",
)
def manager_report(request, query: Query[ManagerQuery]):
    period = reports.report_period(kind=query.period, on=query.on, start=query.start, end=query.end)
    department = _department(query.department)
    report = reports.manager_report(viewer=request.auth, period=period, department=department)
    return report_out(report)

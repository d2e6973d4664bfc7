"""Excel export of the manager view (ORD-6): the figures the viewer sees on the page, in
their data scope; needs the export permission; written to the audit log."""

from django.http import FileResponse
from django.utils.translation import gettext as _

from guanxi.accounts.permissions import EXPORT
from guanxi.accounts.selectors import user_can
from guanxi.core.audit import audit_record
from guanxi.core.errors import PermissionDenied
from guanxi.core.models import AuditLog
from guanxi.sales.common.xlsx import xlsx_download
from guanxi.sales.models import SalesTarget
from guanxi.sales.reports.selectors import ManagerReport, ReportRow


def _safe(value):
    """Keep spreadsheet programs from running cell text as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _header(first: list) -> list:
    return [
        *first,
        _("Contracts signed"),
        _("Signed amount"),
        _("Collected"),
        _("Collection rate (%)"),
        _("Overdue instalments"),
        _("Overdue amount"),
        _("Invoiced"),
        _("Target: signed amount"),
        _("Target: collected amount"),
        _("Target: new customers"),
        _("New customers"),
    ]


def _figures(row: ReportRow) -> list:
    figures = row.figures
    targets = row.targets

    def target(metric):
        item = targets.get(metric)
        return item.target.value if item is not None else None

    new_customers = targets.get(SalesTarget.Metric.NEW_CUSTOMERS)
    return [
        figures.signed_count,
        figures.signed_amount,
        figures.collected,
        figures.collection_rate,
        figures.overdue_count,
        figures.overdue_amount,
        figures.invoiced,
        target(SalesTarget.Metric.SIGNED),
        target(SalesTarget.Metric.COLLECTED),
        int(new_customers.target.value) if new_customers is not None else None,
        int(new_customers.actual) if new_customers is not None else None,
    ]


def manager_report_xlsx(*, request, report: ManagerReport) -> FileResponse:
    """Two sheets (consultants, departments), openpyxl write-only, streamed from a
    temporary file. Raises PermissionDenied without the export permission."""
    # openpyxl takes a while to import and only exports need it: not at every start.
    from openpyxl import Workbook

    if not user_can(user=request.user, permission=EXPORT):
        raise PermissionDenied(_("You may not export data."))
    workbook = Workbook(write_only=True)
    consultants = workbook.create_sheet(title=_("Consultants")[:31])
    consultants.append(_header([_("Consultant"), _("Department")]))
    count = 0
    for row in report.users:
        name = str(row.user) if row.user is not None else _("(no owner)")
        department = str(row.user.department or "") if row.user is not None else ""
        consultants.append([_safe(name), _safe(department), *_figures(row)])
        count += 1
    consultants.append([_("Total"), "", *_figures(ReportRow(figures=report.total))[:7]])
    if report.departments:
        departments = workbook.create_sheet(title=_("Departments")[:31])
        departments.append(_header([_("Department (incl. sub-departments)")]))
        for row in report.departments:
            departments.append([_safe(str(row.department)), *_figures(row)])
            count += 1
    response = xlsx_download(workbook, stem="sales-manager")
    period = report.period
    audit_record(
        actor=request.user,
        action=AuditLog.Action.EXPORT,
        summary=f"sales-manager.xlsx: {count}",
        detail={
            "period": [period.kind, str(period.start), str(period.end)],
            "department": report.department.pk if report.department is not None else None,
            "rows": count,
            "format": "xlsx",
            "complete": True,
        },
        request=request,
    )
    return response

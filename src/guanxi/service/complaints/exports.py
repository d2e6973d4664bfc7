"""The complaint statistics as an Excel workbook (CMP-4): the same report as the page — the
same period, the same scope (`stats.complaint_report` over `visible_to`) — one sheet per
table of the page, every text cell defused, the export audited. A report is a few dozen rows
(each table is its top ten), so it is written in the request with the kernel's streaming
writer and handed over, not made a background job (docs/decisions.md)."""

import tempfile
from dataclasses import dataclass
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from guanxi.accounts.models import User
from guanxi.accounts.permissions import EXPORT
from guanxi.accounts.selectors import user_can
from guanxi.core.audit import audit_record
from guanxi.core.errors import PermissionDenied
from guanxi.core.models import AuditLog
from guanxi.core.spreadsheets import CONTENT_TYPE, Sheet, safe, write_workbook
from guanxi.service.common import permissions
from guanxi.service.complaints import stats

STEM = "complaint-statistics"


@dataclass(frozen=True)
class StatsWorkbook:
    """A written workbook: the caller hands `file` over and closes it."""

    file: IO[bytes]
    filename: str
    content_type: str
    rows: int


def _cells(row: list[Any]) -> list[Any]:
    return [safe(value) for value in row]


def _volume(title: str, label: str, rows: list[stats.Row]) -> Sheet:
    return Sheet(
        title=title,
        rows=[_cells([label, _("Complaints")]), *(_cells([r.label, r.count]) for r in rows)],
    )


def _sheets(report: stats.Report) -> list[Sheet]:
    summary: list[list[Any]] = [
        [_("Complaint statistics"), ""],
        [_("From"), report.period.since],
        [_("To"), report.period.until],
        [_("Complaints received"), report.total],
        [_("Repeat complainers"), report.repeat_customers],
        [_("Times are business minutes of the working calendar."), ""],
    ]
    timings: list[list[Any]] = [
        [
            pgettext("complaint statistics", "Measure"),
            _("Median (min)"),
            _("p90 (min)"),
            _("Targets met (%)"),
            _("Met"),
            _("Counted"),
        ],
        *([t.label, t.median, t.p90, t.met_rate, t.met, t.counted] for t in report.timings),
    ]
    silent_rate, silent_label = report.seed_silent
    outcomes: list[list[Any]] = [
        [
            _("Outcome"),
            _("Customers"),
            _("Signed again"),
            _("Signed again (%)"),
            _("Seed 000 §5.4.7 (%)"),
            _("Seed figure"),
        ],
        *(
            [o.label, o.customers, o.repurchased, o.rate, o.seed_rate, o.seed_label]
            for o in report.outcomes
        ),
        [
            _("For comparison: customers who did not complain at all"),
            None,
            None,
            None,
            silent_rate,
            silent_label,
        ],
    ]
    return [
        Sheet(title=_("Summary"), rows=[_cells(row) for row in summary]),
        Sheet(title=_("Times and targets"), rows=[_cells(row) for row in timings]),
        Sheet(title=_("Repurchase by outcome"), rows=[_cells(row) for row in outcomes]),
        _volume(_("By category"), _("Complaint category"), report.by_category),
        _volume(_("By sub-item"), _("Sub-item"), report.by_item),
        _volume(_("By product"), _("Product"), report.by_product),
        _volume(_("By channel"), _("Channel"), report.by_channel),
        _volume(_("By consultant"), _("Consultant"), report.by_consultant),
        _volume(_("Repeat complainers"), _("Customer"), report.repeaters),
    ]


def complaint_stats_workbook(*, actor: User, period: stats.Period) -> StatsWorkbook:
    """The statistics of `period` in the actor's scope as .xlsx; needs the statistics and
    the export permission; audited with the period and the rows written."""
    if not user_can(user=actor, permission=permissions.COMPLAINT_STATS):
        raise PermissionDenied()
    if not user_can(user=actor, permission=EXPORT):
        raise PermissionDenied(_("You may not export data."))
    report = stats.complaint_report(user=actor, period=period)
    output = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - caller closes
    counts = write_workbook(output, sheets=_sheets(report))
    output.seek(0)
    rows = sum(max(count, 0) for count in counts)
    audit_record(
        actor=actor,
        action=AuditLog.Action.EXPORT,
        summary=f"{STEM}.xlsx: {rows}",
        detail={
            "filters": {"since": str(period.since), "until": str(period.until)},
            "complaints": report.total,
            "rows": rows,
            "format": "xlsx",
            "complete": True,
        },
    )
    return StatsWorkbook(
        file=output,
        filename=f"{STEM}-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        content_type=CONTENT_TYPE,
        rows=rows,
    )

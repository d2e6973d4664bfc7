"""Request and response shapes of the targets and manager-view API (ORD-6, ORD-8).
Amounts are decimals (strings in JSON); the rules stay in targets.services."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from guanxi.core.schemas import DecimalIn, Id, Input, RefOf, choices, ref
from guanxi.sales.models import SalesTarget


class TargetIn(Input):
    user: Id | None = Field(None, description="A user in your data scope (or department)")
    department: Id | None = Field(None, description="A department in your data scope")
    period: str = Field(
        ...,
        max_length=8,
        description="month, quarter or year",
        json_schema_extra=choices(SalesTarget.Period.values),
    )
    starts_on: dt.date = Field(..., description="Any day of the period; stored as its first day")
    metric: str = Field(
        ...,
        max_length=14,
        description="signed, collected or new_customers",
        json_schema_extra=choices(SalesTarget.Metric.values),
    )
    value: DecimalIn = Field(
        ..., description="≥ 0; yuan to the fen, or a whole number of customers"
    )


class TargetOut(Schema):
    id: int
    user: RefOf | None
    department: RefOf | None
    period: str
    starts_on: dt.date
    ends_on: dt.date
    metric: str
    value: Decimal
    actual: Decimal
    percent: Decimal | None = Field(description="actual ÷ target in per cent; null for a 0 target")

    @staticmethod
    def from_progress(item) -> dict:
        target = item.target
        return {
            "id": target.pk,
            "user": ref(target.user) if target.user_id else None,
            "department": ref(target.department) if target.department_id else None,
            "period": target.period,
            "starts_on": item.start,
            "ends_on": item.end,
            "metric": target.metric,
            "value": target.value,
            "actual": item.actual,
            "percent": item.percent,
        }


class FiguresOut(Schema):
    signed_count: int
    signed_amount: Decimal
    collected: Decimal
    collection_rate: Decimal | None = Field(
        description="Of the contracts signed in the period, Σ paid ÷ Σ total, in per cent"
    )
    overdue_count: int
    overdue_amount: Decimal
    invoiced: Decimal


class ReportRowOut(Schema):
    user: RefOf | None = None
    department: RefOf | None = None
    figures: FiguresOut
    targets: list[TargetOut]


class PeriodOut(Schema):
    kind: str
    start: dt.date
    end: dt.date


class ManagerReportOut(Schema):
    period: PeriodOut
    today: dt.date
    users: list[ReportRowOut]
    departments: list[ReportRowOut] = Field(description="Each includes its sub-departments")
    total: FiguresOut


def report_out(report) -> dict:
    """The manager report as ManagerReportOut reads it: the period and the figures are read
    from their attributes (FiguresOut, PeriodOut); a row's people are references and its
    targets a list."""

    def row(r) -> dict:
        return {
            "user": ref(r.user),
            "department": ref(r.department),
            "figures": r.figures,
            "targets": [TargetOut.from_progress(item) for item in r.targets.values()],
        }

    return {
        "period": report.period,
        "today": report.today,
        "users": [row(r) for r in report.users],
        "departments": [row(r) for r in report.departments],
        "total": report.total,
    }

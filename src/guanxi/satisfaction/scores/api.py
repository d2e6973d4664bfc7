"""/api/v1 for the satisfaction report (SAT-3): performance − expectation by factor, month,
consultant and department, internal and external, in the caller's scope."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Query, Router, Schema

from guanxi.core.schemas import IdFilter
from guanxi.satisfaction.scores import selectors

router = Router(tags=["Satisfaction"])


class CellOut(Schema):
    count: int
    satisfaction: Decimal | None
    performance: Decimal | None
    expectation: Decimal | None


class SplitOut(Schema):
    internal: CellOut
    external: CellOut


class FactorScoreOut(Schema):
    code: str
    name: str
    scores: SplitOut


class MonthOut(Schema):
    month: dt.date
    scores: SplitOut
    responses: int
    overall: Decimal | None
    nps: Decimal | None


class GroupOut(Schema):
    id: int | None
    name: str
    scores: SplitOut


class ReportOut(Schema):
    month_from: dt.date
    month_to: dt.date
    total: SplitOut
    factors: list[FactorScoreOut]
    months: list[MonthOut]
    consultants: list[GroupOut]
    departments: list[GroupOut]


class ReportQuery(Schema):
    from_: Annotated[str, Field(max_length=7, alias="from")] = Field("", description="YYYY-MM")
    to: Annotated[str, Field(max_length=7)] = Field("", description="YYYY-MM")
    consultant: IdFilter = ""
    department: IdFilter = ""
    factor: Annotated[str, Field(max_length=40)] = ""


def _cell(c: selectors.Cell) -> dict[str, Any]:
    return {
        "count": c.count,
        "satisfaction": c.satisfaction,
        "performance": c.avg_performance,
        "expectation": c.avg_expectation,
    }


def _split(s: selectors.Split) -> dict[str, Any]:
    return {"internal": _cell(s.internal), "external": _cell(s.external)}


@router.get("/satisfaction/scores", response=ReportOut, summary="The satisfaction report")
def scores(request: Any, query: Query[ReportQuery]) -> dict[str, Any]:
    params = query.model_dump(by_alias=True)
    rep = selectors.report(user=request.auth, filters=selectors.ReportFilters.from_params(params))
    return {
        "month_from": rep.filters.month_from,
        "month_to": rep.filters.month_to,
        "total": _split(rep.total),
        "factors": [
            {"code": f.code, "name": f.name, "scores": _split(f.split)} for f in rep.factors
        ],
        "months": [
            {
                "month": m.month,
                "scores": _split(m.split),
                "responses": m.responses,
                "overall": m.overall,
                "nps": m.nps,
            }
            for m in rep.months
        ],
        "consultants": [
            {"id": p.user_id, "name": p.name, "scores": _split(p.split)} for p in rep.consultants
        ],
        "departments": [
            {"id": p.user_id, "name": p.name, "scores": _split(p.split)} for p in rep.departments
        ],
    }

"""The satisfaction report (SAT-3): performance − expectation per factor and overall, by month,
consultant, department and factor; internal beside external; the weakest factors first.

One grouped query over the answer items (month × factor × consultant × department × source,
sums and counts, read through the (month, factor_code, consultant, source, gap) index) in the
reader's data scope; every view of the page is rolled up from its rows in Python, so the page
costs the same few queries whatever it shows."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Count, IntegerField, Q, Sum, When
from django.utils import timezone, translation

from guanxi.accounts.models import Department, User
from guanxi.core.dates import add_months, month_start
from guanxi.core.errors import ValidationFailed
from guanxi.core.querysets import filter_given
from guanxi.core.scope import apply_scope, scope_of
from guanxi.satisfaction.models import AnswerItem, Factor, Source, SurveyResponse

SHANGHAI_MONTHS = 24  # at most this many months on one report


def _avg(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ReportFilters:
    month_from: dt.date
    month_to: dt.date
    consultant_id: int | None = None
    department_id: int | None = None
    factor_code: str = ""

    @classmethod
    def last_months(cls, months: int = 6, *, today: dt.date | None = None) -> "ReportFilters":
        today = today or timezone.localdate()
        end = month_start(today)
        return cls(month_from=add_months(end, -(months - 1)), month_to=end)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "ReportFilters":
        """From a query string: from=YYYY-MM, to=YYYY-MM, consultant, department, factor."""
        default = cls.last_months()
        errors: dict[str, list[str]] = {}

        def month(name: str, fallback: dt.date) -> dt.date:
            raw = (params.get(name) or "").strip()
            if not raw:
                return fallback
            try:
                year, number = raw[:7].split("-")
                return dt.date(int(year), int(number), 1)
            except (ValueError, TypeError):
                errors[name] = [translation.gettext("A month as YYYY-MM.")]
                return fallback

        def number(name: str) -> int | None:
            raw = (params.get(name) or "").strip()
            if not raw:
                return None
            if not raw.isdigit():
                errors[name] = [translation.gettext("Choose from the list.")]
                return None
            return int(raw)

        month_from = month("from", default.month_from)
        month_to = month("to", default.month_to)
        if month_from > month_to:
            errors["from"] = [translation.gettext("The first month is after the last.")]
        elif add_months(month_from, SHANGHAI_MONTHS) <= month_to:
            errors["to"] = [translation.gettext("At most 24 months at once.")]
        filters = cls(
            month_from=month_from,
            month_to=month_to,
            consultant_id=number("consultant"),
            department_id=number("department"),
            factor_code=(params.get("factor") or "").strip()[:40],
        )
        if errors:
            raise ValidationFailed(field_errors=errors)
        return filters

    def as_params(self) -> dict[str, str]:
        params = {
            "from": self.month_from.strftime("%Y-%m"),
            "to": self.month_to.strftime("%Y-%m"),
        }
        if self.consultant_id:
            params["consultant"] = str(self.consultant_id)
        if self.department_id:
            params["department"] = str(self.department_id)
        if self.factor_code:
            params["factor"] = self.factor_code
        return params


@dataclass
class Cell:
    """Sums of one group; averages on demand."""

    count: int = 0
    gap: int = 0
    performance: int = 0
    expectation: int = 0

    def add(self, row: dict[str, Any]) -> None:
        self.count += row["n"]
        self.gap += row["gap"] or 0
        self.performance += row["perf"] or 0
        self.expectation += row["exp"] or 0

    @property
    def satisfaction(self) -> Decimal | None:
        return _avg(self.gap, self.count)

    @property
    def avg_performance(self) -> Decimal | None:
        return _avg(self.performance, self.count)

    @property
    def avg_expectation(self) -> Decimal | None:
        return _avg(self.expectation, self.count)


@dataclass
class Split:
    """Internal and external side by side."""

    internal: Cell = field(default_factory=Cell)
    external: Cell = field(default_factory=Cell)

    def add(self, row: dict[str, Any]) -> None:
        (self.internal if row["source"] == Source.INTERNAL else self.external).add(row)


@dataclass(frozen=True)
class FactorRow:
    code: str
    name: str
    split: Split


@dataclass(frozen=True)
class PersonRow:
    user_id: int | None
    name: str
    split: Split
    by_factor: dict[str, Cell]


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    split: Split
    responses: int
    overall: Decimal | None
    nps: Decimal | None  # % promoters (9–10) − % detractors (0–6)


@dataclass(frozen=True)
class Report:
    filters: ReportFilters
    total: Split
    factors: list[FactorRow]  # the weakest first
    months: list[MonthRow]
    consultants: list[PersonRow]  # the weakest first
    departments: list[PersonRow]


def items_in_scope(*, user: User | AnonymousUser) -> Any:
    """Answer items of the consultants and departments the user sees (SAT-3 scoping)."""
    return apply_scope(
        AnswerItem.objects.all(),
        scope_of(user),
        owner_field="consultant",
        department_field="department",
    )


def responses_in_scope(*, user: User | AnonymousUser) -> Any:
    return SurveyResponse.objects.visible_to(user)


def factor_names(*, codes: Iterable[str]) -> dict[str, str]:
    """The name of each factor code in its newest version, in the reader's language."""
    english = translation.get_language() == "en"
    names: dict[str, str] = {}
    for code, name, name_en in (
        Factor.objects.filter(code__in=list(codes))
        .order_by("code", "-version__number")
        .values_list("code", "name", "name_en")
    ):
        names.setdefault(code, (name_en or name) if english else name)
    return names


def grouped_rows(*, user: User | AnonymousUser, filters: ReportFilters) -> list[dict[str, Any]]:
    """The one grouped query: sums per month × factor × consultant × department × source."""
    items = filter_given(
        items_in_scope(user=user).filter(
            month__gte=filters.month_from, month__lte=filters.month_to
        ),
        consultant_id=filters.consultant_id,
        department_id=filters.department_id,
        factor_code=filters.factor_code,
    )
    return list(
        items.values("month", "factor_code", "consultant_id", "department_id", "source")
        .annotate(n=Count("id"), gap=Sum("gap"), perf=Sum("performance"), exp=Sum("expectation"))
        .order_by()
    )


def _nps_by_month(
    *, user: User | AnonymousUser, filters: ReportFilters
) -> dict[dt.date, dict[str, Any]]:
    responses = filter_given(
        responses_in_scope(user=user).filter(
            month__gte=filters.month_from, month__lte=filters.month_to, nps__isnull=False
        ),
        consultant_id=filters.consultant_id,
        department_id=filters.department_id,
    )
    one = IntegerField()
    rows = (
        responses.values("month")
        .annotate(
            n=Count("id"),
            overall=Sum("overall"),
            promoters=Sum(Case(When(nps__gte=9, then=1), default=0, output_field=one)),
            detractors=Sum(Case(When(nps__lte=6, then=1), default=0, output_field=one)),
        )
        .order_by()
    )
    return {row["month"]: row for row in rows}


def _names(model: Any, ids: set[int], label: Any) -> dict[int, str]:
    return {obj.pk: label(obj) for obj in model.objects.filter(pk__in=ids)}


def report(*, user: User | AnonymousUser, filters: ReportFilters) -> Report:
    rows = grouped_rows(user=user, filters=filters)
    total = Split()
    by_factor: dict[str, Split] = defaultdict(Split)
    by_month: dict[dt.date, Split] = defaultdict(Split)
    by_consultant: dict[int | None, Split] = defaultdict(Split)
    consultant_factor: dict[int | None, dict[str, Cell]] = defaultdict(lambda: defaultdict(Cell))
    by_department: dict[int | None, Split] = defaultdict(Split)
    department_factor: dict[int | None, dict[str, Cell]] = defaultdict(lambda: defaultdict(Cell))
    for row in rows:
        total.add(row)
        by_factor[row["factor_code"]].add(row)
        by_month[row["month"]].add(row)
        by_consultant[row["consultant_id"]].add(row)
        by_department[row["department_id"]].add(row)
        if row["source"] == Source.INTERNAL:
            consultant_factor[row["consultant_id"]][row["factor_code"]].add(row)
            department_factor[row["department_id"]][row["factor_code"]].add(row)
    names = factor_names(codes=by_factor)
    worst = Decimal("999")

    def weakest(split: Split) -> tuple[Decimal, Decimal]:
        internal = split.internal.satisfaction
        external = split.external.satisfaction
        return (
            internal if internal is not None else worst,
            external if external is not None else worst,
        )

    factors = sorted(
        (FactorRow(code, names.get(code, code), split) for code, split in by_factor.items()),
        key=lambda r: (*weakest(r.split), r.code),
    )
    people = _names(
        User, {i for i in by_consultant if i is not None}, lambda u: u.display_name or u.username
    )
    departments = _names(Department, {i for i in by_department if i is not None}, str)
    nps = _nps_by_month(user=user, filters=filters)
    months = []
    month = filters.month_from
    while month <= filters.month_to:
        stats = nps.get(month)
        count = stats["n"] if stats else 0
        months.append(
            MonthRow(
                month=month,
                split=by_month.get(month, Split()),
                responses=count,
                overall=_avg(stats["overall"] or 0, count) if stats else None,
                nps=(
                    Decimal(100 * (stats["promoters"] - stats["detractors"]) / count).quantize(
                        Decimal("0.1")
                    )
                    if stats and count
                    else None
                ),
            )
        )
        month = add_months(month, 1)
    no_one = translation.gettext("(nobody)")
    consultants = sorted(
        (
            PersonRow(
                uid, people.get(uid, no_one) if uid else no_one, split, dict(consultant_factor[uid])
            )
            for uid, split in by_consultant.items()
        ),
        key=lambda r: (*weakest(r.split), r.name),
    )
    department_rows = sorted(
        (
            PersonRow(
                did,
                departments.get(did, no_one) if did else no_one,
                split,
                dict(department_factor[did]),
            )
            for did, split in by_department.items()
        ),
        key=lambda r: (*weakest(r.split), r.name),
    )
    return Report(
        filters=filters,
        total=total,
        factors=factors,
        months=months,
        consultants=consultants,
        departments=department_rows,
    )


def factor_score(
    *, factor_code: str, month: dt.date, consultant_ids: list[int] | None = None
) -> Decimal | None:
    """The internal satisfaction of one factor in one month (an action plan's next period),
    over everyone or the given consultants."""
    items = AnswerItem.objects.filter(factor_code=factor_code, month=month, source=Source.INTERNAL)
    if consultant_ids:
        items = items.filter(consultant_id__in=consultant_ids)
    agg = items.aggregate(n=Count("id"), gap=Sum("gap"))
    return _avg(agg["gap"] or 0, agg["n"] or 0)


def factor_scores(*, pairs: set[tuple[str, dt.date]]) -> dict[tuple[str, dt.date], Decimal | None]:
    """`factor_score` for many (code, month) pairs in one query (the plans list)."""
    if not pairs:
        return {}
    condition = Q(pk__in=[])
    for code, month in pairs:
        condition |= Q(factor_code=code, month=month)
    rows = (
        AnswerItem.objects.filter(condition, source=Source.INTERNAL)
        .values("factor_code", "month")
        .annotate(n=Count("id"), gap=Sum("gap"))
        .order_by()
    )
    found = {(r["factor_code"], r["month"]): _avg(r["gap"] or 0, r["n"]) for r in rows}
    return {pair: found.get(pair) for pair in pairs}


def chart_data(*, rep: Report, radar_user_id: int | None = None) -> dict[str, Any]:
    """What the page's ECharts read (json_script): the trend, the factors, one radar."""
    gettext = translation.gettext

    def num(value: Decimal | None) -> float | None:
        return float(value) if value is not None else None

    radar_row = next((r for r in rep.consultants if r.user_id == radar_user_id), None) or (
        rep.consultants[0] if rep.consultants else None
    )
    team = {f.code: f.split.internal.avg_performance for f in rep.factors}
    return {
        "months": [m.month.strftime("%Y-%m") for m in rep.months],
        "trend": [
            {
                "name": gettext("Internal"),
                "data": [num(m.split.internal.satisfaction) for m in rep.months],
            },
            {
                "name": gettext("External"),
                "data": [num(m.split.external.satisfaction) for m in rep.months],
            },
        ],
        "nps": [num(m.nps) for m in rep.months],
        "nps_name": gettext("NPS"),
        "factors": [f.name for f in rep.factors],
        "factor_series": [
            {
                "name": gettext("Internal"),
                "data": [num(f.split.internal.satisfaction) for f in rep.factors],
            },
            {
                "name": gettext("External"),
                "data": [num(f.split.external.satisfaction) for f in rep.factors],
            },
        ],
        "radar": {
            "name": radar_row.name if radar_row else "",
            "indicators": [{"name": f.name, "max": 10} for f in rep.factors],
            "series": [
                {
                    "name": radar_row.name if radar_row else "",
                    "value": [
                        num(radar_row.by_factor[f.code].avg_performance)
                        if radar_row and f.code in radar_row.by_factor
                        else None
                        for f in rep.factors
                    ],
                },
                {
                    "name": gettext("Everyone shown"),
                    "value": [num(team[f.code]) for f in rep.factors],
                },
            ],
        },
    }

"""Reads of the complaints' set-up (CMP-1, CMP-2) for its pages: the category tree with its
sub-items, the routing rules in the order they apply, the SLA grid (category × severity, each
cell with the target that applies to it and where that comes from) and the settings row.
The set-up is a few dozen rows, read whole."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from guanxi.core.workdays import parse_working_hours
from guanxi.service.models import (
    ComplaintCategory,
    ComplaintRoute,
    ComplaintSettings,
    Severity,
    SlaTarget,
)

# when no SLA target row matches at all (the shipped data has a default row)
FALLBACK_TARGETS = (240, 2400)


def duration_text(minutes: int) -> str:
    """Business minutes the way people say them: "45 min", "4 h", "2 h 30 min"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(m)d min") % {"m": rest}
    if not rest:
        return _("%(h)d h") % {"h": hours}
    return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}


def working_minutes_a_day() -> int:
    periods = parse_working_hours(settings.GUANXI_WORKING_HOURS)
    return sum(
        (end.hour * 60 + end.minute) - (begin.hour * 60 + begin.minute) for begin, end in periods
    )


# ---------------------------------------------------------------- categories


@dataclass
class CategoryNode:
    category: ComplaintCategory
    items: list[ComplaintCategory] = field(default_factory=list)


def category_tree_all() -> list[CategoryNode]:
    """Every category, active or not, with every sub-item, in their order."""
    rows = list(ComplaintCategory.objects.order_by("sort_order", "id"))
    nodes = {row.pk: CategoryNode(row) for row in rows if row.parent_id is None}
    for row in rows:
        if row.parent_id is not None and row.parent_id in nodes:
            nodes[row.parent_id].items.append(row)
    return list(nodes.values())


def category_get(*, category_id: int) -> ComplaintCategory | None:
    return ComplaintCategory.objects.select_related("parent").filter(pk=category_id).first()


def top_categories() -> list[ComplaintCategory]:
    """The categories (not sub-items), active or not: what rules and targets are set for."""
    return list(ComplaintCategory.objects.filter(parent__isnull=True).order_by("sort_order", "id"))


# ---------------------------------------------------------------- routing rules


def route_list() -> list[ComplaintRoute]:
    """The routing rules in the order they are tried: the first active one that matches wins."""
    return list(
        ComplaintRoute.objects.select_related(
            "category", "product", "customer_department", "to_department", "to_user"
        ).order_by("priority", "id")
    )


# ---------------------------------------------------------------- SLA targets


def sla_pick(rows: list[SlaTarget], *, category_id: int | None, severity: str) -> SlaTarget | None:
    """The row that applies to a complaint of this category and severity: category and
    severity, then category, then severity, then the default row."""
    matching = [
        row
        for row in rows
        if row.category_id in (category_id, None) and row.severity in (severity, "")
    ]
    matching.sort(key=lambda row: (row.category_id is None, row.severity == ""))
    return matching[0] if matching else None


class Source:
    OWN = "own"  # set for this very cell
    CATEGORY = "category"  # the category's "any severity" target
    SEVERITY = "severity"  # the severity's target for any category
    DEFAULT = "default"  # the default row (any category, any severity)
    BUILT_IN = "built_in"  # no row at all: the code's fallback


@dataclass(frozen=True)
class SlaCell:
    category_id: int | None
    severity: str
    respond_minutes: int
    resolve_minutes: int
    source: str

    @property
    def respond_text(self) -> str:
        return duration_text(self.respond_minutes)

    @property
    def resolve_text(self) -> str:
        return duration_text(self.resolve_minutes)

    @property
    def own(self) -> bool:
        return self.source == Source.OWN


@dataclass(frozen=True)
class SlaRow:
    category: ComplaintCategory | None  # None: any category (the defaults)
    cells: list[SlaCell]


@dataclass(frozen=True)
class SlaGrid:
    severities: list[tuple[str, str]]  # ("", "Any severity") first, then the severities
    rows: list[SlaRow]


def _cell(rows: list[SlaTarget], *, category_id: int | None, severity: str) -> SlaCell:
    row = sla_pick(rows, category_id=category_id, severity=severity)
    if row is None:
        respond, resolve = FALLBACK_TARGETS
        return SlaCell(category_id, severity, respond, resolve, Source.BUILT_IN)
    if row.category_id == category_id and row.severity == severity:
        source = Source.OWN
    elif row.category_id is not None:
        source = Source.CATEGORY
    elif row.severity:
        source = Source.SEVERITY
    else:
        source = Source.DEFAULT
    return SlaCell(category_id, severity, row.respond_minutes, row.resolve_minutes, source)


def sla_grid() -> SlaGrid:
    """The SLA targets as a grid: a row for any category and one per category, a column for
    any severity and one per severity; each cell says what a new complaint there gets."""
    rows = list(SlaTarget.objects.all())
    severities = [("", _("Any severity")), *((k, str(v)) for k, v in Severity.choices)]
    categories: list[ComplaintCategory | None] = [None, *top_categories()]
    return SlaGrid(
        severities=severities,
        rows=[
            SlaRow(
                category=category,
                cells=[
                    _cell(rows, category_id=category.pk if category else None, severity=key)
                    for key, _label in severities
                ],
            )
            for category in categories
        ],
    )


def sla_cell(*, category_id: int | None, severity: str) -> SlaCell:
    return _cell(list(SlaTarget.objects.all()), category_id=category_id, severity=severity)


# ---------------------------------------------------------------- settings


def settings_row() -> ComplaintSettings:
    """The settings row, or (before anyone saved it) an unsaved one with the defaults."""
    return ComplaintSettings.objects.filter(pk=1).first() or ComplaintSettings(pk=1)

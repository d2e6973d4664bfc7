"""The pipeline board (INT-8): one column per intention stage, cards paged by keyset.

Reads only: the cards are the prospects of customers the user may see
(`visible_customers`), newest customer first. Every column shows its first slice and a
capped count ("1,000+"), so the board costs a fixed number of short index range reads
whatever the number of customers behind it.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from guanxi.core.errors import ValidationFailed
from guanxi.customers.models import CustomerTag
from guanxi.customers.scope import visible_customers
from guanxi.customers.selectors import capped_count
from guanxi.pipeline.models import Grade, Prospect, Stage

PAGE_SIZE = 20


@dataclass
class BoardFilters:
    owner: int | None = None
    department: int | None = None
    grade: str = ""
    source: int | None = None
    tag: int | None = None


@dataclass
class BoardColumn:
    stage: Stage
    cards: list = field(default_factory=list)
    next_cursor: int | None = None
    count: int = 0
    count_capped: bool = False


def board_stages() -> list[Stage]:
    return list(Stage.objects.order_by("order"))


def _board_queryset(user, filters: BoardFilters):
    # The board is the owned pipeline; customers sitting in a public pool (no owner) are
    # worked from the pool page until someone claims them.
    queryset = Prospect.objects.filter(
        customer__in=visible_customers(user).values("pk"), owner__isnull=False
    )
    if filters.owner:
        queryset = queryset.filter(owner_id=filters.owner)
    if filters.department:
        queryset = queryset.filter(department_id=filters.department)
    if filters.grade and filters.grade in Grade.values:
        queryset = queryset.filter(grade=filters.grade)
    if filters.source:
        queryset = queryset.filter(customer__source_id=filters.source)
    if filters.tag:
        tagged = CustomerTag.objects.filter(tag_id=filters.tag).values("customer_id")
        queryset = queryset.filter(customer_id__in=tagged)
    return queryset


def _cursor(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not 0 < number < 2**63:
        raise ValidationFailed(field_errors={"cursor": ["invalid"]})
    return number


def board_column_page(
    user, stage: Stage, filters: BoardFilters, *, cursor=None, page_size: int = PAGE_SIZE
) -> BoardColumn:
    """One slice of a column: cards after `cursor` (a customer id), newest first."""
    after = _cursor(cursor)
    queryset = _board_queryset(user, filters).filter(stage=stage)
    page = queryset
    if after is not None:
        page = page.filter(customer_id__lt=after)
    rows = list(page.select_related("customer", "owner").order_by("-customer_id")[: page_size + 1])
    column = BoardColumn(stage=stage)
    if len(rows) > page_size:
        rows = rows[:page_size]
        column.next_cursor = rows[-1].customer_id
    column.cards = rows
    if after is None:
        if column.next_cursor is None:
            column.count = len(rows)
        else:
            column.count, column.count_capped = capped_count(queryset)
    return column


def board_columns_for_user(user, filters: BoardFilters | None = None) -> list[BoardColumn]:
    """The first slice of every column. Queries: 1 for the stages, then 1–2 per stage."""
    filters = filters or BoardFilters()
    return [board_column_page(user, stage, filters) for stage in board_stages()]


def board_card(user, customer_id) -> Prospect | None:
    return (
        _board_queryset(user, BoardFilters())
        .select_related("customer", "owner", "stage")
        .filter(Q(customer_id=customer_id))
        .first()
    )

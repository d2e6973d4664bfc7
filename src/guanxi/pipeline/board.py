"""The pipeline board (INT-8): one column per intention stage, cards paged by keyset.

Reads only: the cards are the owned prospects of customers the user may see, newest
customer first. The scope is applied on the prospect's own owner/department columns (kept
in step with the customer's) plus the customers shared with the user, so every column is
one index range (owner or department, stage, customer). A column shows its first slice;
the capped count ("1,000+") of a column longer than a slice is loaded after the page
(`board_column_count`), so the page itself costs a fixed number of short range reads.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from guanxi.accounts.selectors import scope_for_user
from guanxi.core.errors import ValidationFailed
from guanxi.core.scope import scope_q
from guanxi.customers.models import CustomerShare, CustomerTag
from guanxi.customers.selectors import capped_count
from guanxi.pipeline.models import Grade, Prospect, Stage

PAGE_SIZE = 20

# What a card shows (board_card.html): no need to read the whole customer and owner rows.
CARD_FIELDS = (
    "customer_id",
    "owner_id",
    "stage_id",
    "grade",
    "next_due_at",
    "customer__id",
    "customer__name",
    "customer__deleted_at",
    "owner__id",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "owner__display_name",
)


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
    # The column is longer than a slice and its capped count was not read: the page loads
    # it afterwards (one request per such column).
    count_deferred: bool = False


def board_stages() -> list[Stage]:
    return list(Stage.objects.order_by("order"))


def _scoped_prospects(user):
    """Owned prospects of live customers the user may see: the same rows as
    `visible_customers(user)` restricted to owned customers, but filtered on the prospect's
    own owner/department (an index range) instead of a semi-join over the customers. Public
    pool visibility is left out on purpose: pool customers have no owner."""
    # The board is the owned pipeline; customers sitting in a public pool (no owner) are
    # worked from the pool page until someone claims them.
    queryset = Prospect.objects.filter(owner__isnull=False, customer__deleted_at__isnull=True)
    scope = scope_for_user(user)
    if scope.user_id is None:
        return queryset.none()
    if scope.sees_all:
        return queryset
    shared = CustomerShare.objects.filter(
        customer_id=OuterRef("customer_id"), user_id=user.pk
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
    return queryset.filter(scope_q(scope) | Q(Exists(shared)))


def _board_queryset(user, filters: BoardFilters):
    queryset = _scoped_prospects(user)
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
    user,
    stage: Stage,
    filters: BoardFilters,
    *,
    cursor=None,
    page_size: int = PAGE_SIZE,
    count: bool = True,
) -> BoardColumn:
    """One slice of a column: cards after `cursor` (a customer id), newest first. On the
    first slice, `count` reads the capped count of a column longer than the slice; without
    it the column is marked `count_deferred`."""
    after = _cursor(cursor)
    queryset = _board_queryset(user, filters).filter(stage=stage)
    page = queryset
    if after is not None:
        page = page.filter(customer_id__lt=after)
    rows = list(
        page.select_related("customer", "owner")
        .only(*CARD_FIELDS)
        .order_by("-customer_id")[: page_size + 1]
    )
    column = BoardColumn(stage=stage)
    if len(rows) > page_size:
        rows = rows[:page_size]
        column.next_cursor = rows[-1].customer_id
    column.cards = rows
    if after is None:
        if column.next_cursor is None:
            column.count = len(rows)
        elif count:
            column.count, column.count_capped = capped_count(queryset)
        else:
            column.count_deferred = True
    return column


def board_column_count(user, stage: Stage, filters: BoardFilters) -> tuple[int, bool]:
    """The capped count of one column ("1,000+"), loaded by the board after the page."""
    return capped_count(_board_queryset(user, filters).filter(stage=stage))


def board_columns_for_user(user, filters: BoardFilters | None = None) -> list[BoardColumn]:
    """The first slice of every column, counts of long columns deferred. Queries: 1 for the
    stages, then 1 per stage."""
    filters = filters or BoardFilters()
    return [board_column_page(user, stage, filters, count=False) for stage in board_stages()]


def board_card(user, customer_id) -> Prospect | None:
    return (
        _board_queryset(user, BoardFilters())
        .select_related("customer", "owner", "stage")
        .filter(Q(customer_id=customer_id))
        .first()
    )

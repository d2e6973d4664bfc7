"""The pipeline board (INT-8): one column per intention stage, cards paged by keyset.

Reads only: the cards are the owned prospects of customers the user may see, newest
customer first. The scope is applied on the prospect's own owner/department columns (kept
in step with the customer's) plus the customers shared with the user, so every column is
one index range (owner or department, stage, customer). A column shows its first slice;
the capped count ("1,000+") of a column longer than a slice is loaded after the page
(`board_column_count`), so the page itself costs a fixed number of short range reads.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.pagination import COUNT_CAP, capped_count, id_cursor_decode
from guanxi.core.querysets import filter_given
from guanxi.core.sql import values_for_each
from guanxi.customers.models import CustomerTag
from guanxi.pipeline.models import Grade, Prospect, Stage

PAGE_SIZE = 20

# What a card shows (board_card.html). Cards are read as plain values, not model instances:
# building ~120 Prospect + Customer + User instances per board cost more than the queries.
CARD_FIELDS = (
    "customer_id",
    "customer__name",
    "owner_id",
    "grade",
    "next_due_at",
    "expected_amount",
    "expected_close_on",
)


@dataclass
class Card:
    customer_id: int
    name: str
    owner_id: int | None
    grade: str
    next_due_at: dt.datetime | None
    expected_amount: Decimal | None = None
    expected_close_on: dt.date | None = None
    owner: str = ""

    @property
    def due_day(self) -> str:
        return timezone.localtime(self.next_due_at).strftime("%m-%d") if self.next_due_at else ""

    @property
    def overdue(self) -> bool:
        return self.next_due_at is not None and self.next_due_at < timezone.now()

    @property
    def close_overdue(self) -> bool:
        return self.expected_close_on is not None and self.expected_close_on < timezone.localdate()

    @property
    def grade_label(self) -> str:
        return str(Grade(self.grade).label) if self.grade in Grade.values else self.grade


def _cards(rows: Iterable[dict[str, Any]]) -> list[Card]:
    return [
        Card(
            customer_id=row["customer_id"],
            name=row["customer__name"],
            owner_id=row["owner_id"],
            grade=row["grade"],
            next_due_at=row["next_due_at"],
            expected_amount=row["expected_amount"],
            expected_close_on=row["expected_close_on"],
        )
        for row in rows
    ]


def _label_owners(cards: list[Card]) -> None:
    """Owner names for the cards of a board or a column: one query for all of them."""
    owner_ids = {card.owner_id for card in cards if card.owner_id}
    if not owner_ids:
        return
    names = {user.pk: str(user) for user in User.objects.filter(pk__in=owner_ids)}
    for card in cards:
        card.owner = names.get(card.owner_id, "") if card.owner_id else ""


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
    # Σ expected amount of the column; of its newest COUNT_CAP cards when the count is capped.
    amount: Decimal = Decimal("0.00")

    def sum_cards(self) -> None:
        self.amount = sum(
            (card.expected_amount for card in self.cards if card.expected_amount is not None),
            Decimal("0.00"),
        )


def board_stages() -> list[Stage]:
    """Stages as the board shows them: 0 → 4, the way a customer moves, then 拒绝 (refused,
    the negative order) last, where it can be collapsed out of the way."""
    return sorted(Stage.objects.order_by("order"), key=lambda stage: (stage.order < 0, stage.order))


def _scoped_prospects(user: User) -> QuerySet[Prospect]:
    """Owned prospects of live customers the user may see: the same rows as
    `Customer.objects.visible_to(user)` restricted to owned customers, but filtered on the
    prospect's own owner/department (an index range) instead of a semi-join over the
    customers. The board is the owned pipeline; customers sitting in a public pool (no owner)
    are worked from the pool page until someone claims them."""
    return Prospect.objects.filter(
        owner__isnull=False, customer__deleted_at__isnull=True
    ).visible_to(user)


def _board_queryset(user: User, filters: BoardFilters) -> QuerySet[Prospect]:
    queryset = filter_given(
        _scoped_prospects(user),
        owner_id=filters.owner,
        department_id=filters.department,
        grade=filters.grade if filters.grade in Grade.values else "",
        customer__source_id=filters.source,
    )
    if filters.tag:
        tagged = CustomerTag.objects.filter(tag_id=filters.tag).values("customer_id")
        queryset = queryset.filter(customer_id__in=tagged)
    return queryset


def board_column_page(
    *,
    user: User,
    stage: Stage,
    filters: BoardFilters,
    cursor: str | int | None = None,
    page_size: int = PAGE_SIZE,
    count: bool = True,
    label_owners: bool = True,
) -> BoardColumn:
    """One slice of a column: cards after `cursor` (a customer id), newest first. On the
    first slice, `count` reads the capped count of a column longer than the slice; without
    it the column is marked `count_deferred`."""
    return _column_page(
        _board_queryset(user, filters),
        stage=stage,
        cursor=cursor,
        page_size=page_size,
        count=count,
        label_owners=label_owners,
    )


def _column_page(
    base: QuerySet[Prospect],
    *,
    stage: Stage,
    cursor: str | int | None,
    page_size: int,
    count: bool,
    label_owners: bool,
) -> BoardColumn:
    after = id_cursor_decode(cursor)
    queryset = base.filter(stage=stage)
    page = queryset
    if after is not None:
        page = page.filter(customer_id__lt=after)
    rows = _cards(page.order_by("-customer_id").values(*CARD_FIELDS)[: page_size + 1])
    if label_owners:
        _label_owners(rows)
    column = BoardColumn(stage=stage)
    if len(rows) > page_size:
        rows = rows[:page_size]
        column.next_cursor = rows[-1].customer_id
    column.cards = rows
    if after is None:
        if column.next_cursor is None:
            column.count = len(rows)
            column.sum_cards()
        elif count:
            column.count, column.count_capped, column.amount = _count_and_amount(queryset)
        else:
            column.count_deferred = True
    return column


def _count_and_amount(queryset: QuerySet[Prospect]) -> tuple[int, bool, Decimal]:
    """The capped count and the Σ expected amount over the same capped range (the newest
    COUNT_CAP customers): two bounded reads, however long the column."""
    count, capped = capped_count(queryset)
    newest = queryset.order_by("-customer_id")[:COUNT_CAP]
    total = newest.aggregate(total=Sum("expected_amount"))["total"]
    return count, capped, Decimal(total or 0).quantize(Decimal("0.01"))


def board_column_count(
    *, user: User, stage: Stage, filters: BoardFilters
) -> tuple[int, bool, Decimal]:
    """The capped count of one column ("1,000+") and its Σ expected amount, loaded by the
    board after the page."""
    return _count_and_amount(_board_queryset(user, filters).filter(stage=stage))


def board_columns_for_user(*, user: User, filters: BoardFilters | None = None) -> list[BoardColumn]:
    """The first slice of every column, counts of long columns deferred. Queries: 1 for the
    stages, 1 per stage — one scoped query compiled once and run per stage
    (core.sql.values_for_each) — and 1 for the owners' names."""
    filters = filters or BoardFilters()
    stages = board_stages()
    slices = values_for_each(
        _board_queryset(user, filters)
        .filter(stage_id=_STAGE_PLACEHOLDER)
        .order_by("-customer_id")
        .values(*CARD_FIELDS)[: PAGE_SIZE + 1],
        placeholder=_STAGE_PLACEHOLDER,
        values=[stage.pk for stage in stages],
    )
    columns = []
    for stage in stages:
        rows = slices[stage.pk]
        column = BoardColumn(stage=stage, cards=_cards(rows[:PAGE_SIZE]))
        if len(rows) > PAGE_SIZE:
            column.next_cursor = column.cards[-1].customer_id
            column.count_deferred = True
        else:
            column.count = len(rows)
            column.sum_cards()
        columns.append(column)
    _label_owners([card for column in columns for card in column.cards])
    return columns


# a stage id no stage has: where each stage's id goes in the columns' one compiled query
_STAGE_PLACEHOLDER = -918273645


def board_card(*, user: User, customer_id: int) -> Card | None:
    """One card as the board shows it, if the customer is on the user's board."""
    cards = _cards(
        _board_queryset(user, BoardFilters()).filter(customer_id=customer_id).values(*CARD_FIELDS)
    )
    _label_owners(cards)
    return cards[0] if cards else None

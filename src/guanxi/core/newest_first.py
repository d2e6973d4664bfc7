"""Reading every row of a large queryset without holding it: the exports stream a million
customers (or follow-ups, payments …) newest first, a batch a query, by keyset on id."""

from collections.abc import Callable, Iterator
from operator import attrgetter
from typing import Any

from django.db.models import QuerySet


def newest_first(
    queryset: QuerySet[Any], *, batch: int, id_of: Callable[[Any], int] = attrgetter("pk")
) -> Iterator[Any]:
    """Every row of `queryset`, highest id first, `batch` rows a query (`id_of` reads a
    row's id: a model's pk, or the first value of a values_list that selects it first)."""
    last_id: int | None = None
    while True:
        chunk = queryset.order_by("-id")
        if last_id is not None:
            chunk = chunk.filter(id__lt=last_id)
        rows = list(chunk[:batch])
        if not rows:
            return
        yield from rows
        last_id = id_of(rows[-1])

"""Keyset pagination, the one way every list in Guanxi pages (DESIGN: bounded lists).

A cursor is opaque to clients: the sort key of the last row shown, JSON in URL-safe base64
(`cursor_encode`); lists ordered by id alone use the id itself, in digits. Decoding refuses
anything malformed — bad base64, bad JSON, infinities, wrong types or counts, integers a
database cannot bind, NUL in text — with a field error on `cursor`, never a 500.

    page = page_by_id(visible_contracts(user), cursor=query.cursor, limit=query.limit)
    page = page_by_keys(queryset, keys=[("updated_at", dt.datetime), ("id", int)],
                        descending=True, cursor=cursor, limit=25)
"""

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from guanxi.core.errors import ValidationFailed

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
COUNT_CAP = 1000  # lists say "1,000+" rather than COUNT(*) over millions
MAX_ID = 2**63 - 1  # a signed 64-bit integer: the largest id any of our databases stores
CURSOR_MAX_LENGTH = 500

CursorKind = type[int] | type[str] | type[dt.datetime] | type[dt.date] | type[Decimal]


@dataclass(frozen=True)
class Page[T]:
    """One page of a list. `total` is None when the list loads its count afterwards."""

    items: list[T]
    next_cursor: str | None
    total: int | None = None
    total_capped: bool = False


def bad_cursor() -> ValidationFailed:
    return ValidationFailed(field_errors={"cursor": [_("This page link is no longer valid.")]})


def page_limit(limit: Any, *, default: int = PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> int:
    """A page size between 1 and `maximum` from whatever the caller sent."""
    try:
        value = int(limit) if limit not in (None, "") else default
    except (TypeError, ValueError, OverflowError):
        value = default
    return max(1, min(value, maximum))


def parse_id(value: Any, *, minimum: int = 1) -> int | None:
    """The id in `value` (an int or a string of ASCII digits) between `minimum` and MAX_ID,
    else None. `str.isdigit()` is not enough: it accepts "²", which int() refuses."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not (text.isascii() and text.isdecimal()) or len(text) > 19:
            return None
        number = int(text)
    return number if minimum <= number <= MAX_ID else None


# ---------------------------------------------------------------- cursors


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def cursor_encode(values: Sequence[Any]) -> str:
    raw = json.dumps([_plain(v) for v in values], ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)  # NaN and ±Infinity are not JSON and never sort


def _decode_value(kind: CursorKind, value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        raise ValueError
    if kind is int:
        whole = parse_id(value, minimum=-MAX_ID) if isinstance(value, int) else None
        if whole is None:
            raise ValueError
        return whole
    if not isinstance(value, str):
        raise ValueError
    if kind is str:
        if "\x00" in value:  # PostgreSQL refuses NUL in text
            raise ValueError
        return value
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    if kind is Decimal:
        number = Decimal(value)
        if not number.is_finite():
            raise ValueError
        return number
    raise TypeError(kind)


def cursor_decode(cursor: str, kinds: Sequence[CursorKind]) -> list[Any]:
    """The sort key in `cursor`, one value of each kind; ValidationFailed on `cursor` else."""
    try:
        if not isinstance(cursor, str) or len(cursor) > CURSOR_MAX_LENGTH:
            raise ValueError
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(
            base64.urlsafe_b64decode(padded.encode("ascii")), parse_constant=_refuse_constant
        )
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError
        return [_decode_value(kind, value) for kind, value in zip(kinds, values, strict=True)]
    except (
        ValueError,
        TypeError,
        OverflowError,
        UnicodeError,
        InvalidOperation,
        binascii.Error,
        RecursionError,
    ) as exc:
        raise bad_cursor() from exc


def id_cursor_decode(cursor: Any) -> int | None:
    """The last id shown, from an id-ordered list's cursor ("" or None: the first page)."""
    if cursor in (None, ""):
        return None
    value = parse_id(cursor, minimum=0)
    if value is None:
        raise bad_cursor()
    return value


# ---------------------------------------------------------------- pages


def keyset_after(fields: Sequence[str], values: Sequence[Any], *, descending: bool) -> Q:
    """Rows strictly after `values` in the ordering by `fields` (all ascending or all
    descending)."""
    op = "lt" if descending else "gt"
    condition = Q()
    for index, name in enumerate(fields):
        step = Q(**{fields[i]: values[i] for i in range(index)})
        step &= Q(**{f"{name}__{op}": values[index]})
        condition |= step
    return condition


def capped_count(queryset: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """Count up to `cap` rows: (count, whether there are more)."""
    count = queryset.order_by().values("pk")[: cap + 1].count()
    return min(count, cap), count > cap


def page_by_keys[T](
    queryset: QuerySet,
    *,
    keys: Sequence[tuple[str, CursorKind]],
    descending: bool,
    cursor: str | None,
    limit: Any = PAGE_SIZE,
    maximum: int = MAX_PAGE_SIZE,
) -> Page[T]:
    """A page ordered by `keys` (the last one unique, usually id) after `cursor`."""
    size = page_limit(limit, maximum=maximum)
    fields = [name for name, _kind in keys]
    if cursor:
        after = cursor_decode(cursor, [kind for _name, kind in keys])
        queryset = queryset.filter(keyset_after(fields, after, descending=descending))
    ordering = [f"-{name}" if descending else name for name in fields]
    rows = list(queryset.order_by(*ordering)[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = cursor_encode([getattr(rows[-1], name) for name in fields])
    return Page(items=rows, next_cursor=next_cursor)


def page_by_id[T](
    queryset: QuerySet,
    *,
    cursor: Any,
    limit: Any = PAGE_SIZE,
    maximum: int = MAX_PAGE_SIZE,
    newest_first: bool = True,
) -> Page[T]:
    """A page of an id-ordered list; the cursor is the last id shown, in digits."""
    size = page_limit(limit, maximum=maximum)
    after = id_cursor_decode(cursor)
    if after is not None:
        queryset = queryset.filter(pk__lt=after) if newest_first else queryset.filter(pk__gt=after)
    rows = list(queryset.order_by("-pk" if newest_first else "pk")[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = str(rows[-1].pk)
    return Page(items=rows, next_cursor=next_cursor)

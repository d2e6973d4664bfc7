"""Schema types every API area shares (django-ninja / pydantic 2).

class ContractOut(Schema):
    customer: RefOf            # a model instance (or None) → {"id": 7, "name": "张三"}
    total_amount: Money        # Decimal → "12345.60" in JSON, never a float

@router.get("/contracts", response=ContractPageOut)
def contract_list(request, query: Query[PageQuery]): ...
"""

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, PlainSerializer

from guanxi.core.pagination import CURSOR_MAX_LENGTH, MAX_ID, MAX_PAGE_SIZE, PAGE_SIZE

_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Control characters and lone surrogates removed: they cannot be stored (PostgreSQL
    refuses NUL) and no user typed them."""
    return _UNSAFE.sub("", value)


Text = Annotated[str, AfterValidator(clean_text)]
# Long enough for any legal value, short enough that nobody posts a novel into a phone field;
# the exact limits are checked by the services with their own messages.
ShortText = Annotated[str, Field(max_length=300), AfterValidator(clean_text)]
# A database id: positive and within a 64-bit integer (SQLite cannot even bind a larger one).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Input(Schema):
    """Request bodies refuse unknown fields, so nobody sets `status` or an amount by adding
    a key."""

    model_config = ConfigDict(extra="forbid")


def _format_money(value: Decimal) -> str:
    return f"{value:.2f}"


# Money out: two decimals as a string; in: a decimal string or number, parsed by pydantic.
Money = Annotated[Decimal, PlainSerializer(_format_money, return_type=str, when_used="json")]


class Ref(Schema):
    """A reference to another record: its id and how people call it."""

    id: int
    name: str


def ref_validator(schema: type[Schema], answer: Callable[[Any], dict]) -> BeforeValidator:
    """A validator for an output field of a reference schema: a model instance becomes
    `answer(instance)`; None, a dict or the schema itself pass as they are."""

    def convert(value: Any) -> Any:
        if value is None or isinstance(value, dict | schema):
            return value
        return answer(value)

    return BeforeValidator(convert)


def _ref_dict(obj: Any) -> dict:
    return {"id": obj.pk, "name": str(obj)}


# An output field that takes a model instance and answers {"id", "name"}.
RefOf = Annotated[Ref, ref_validator(Ref, _ref_dict)]


def ref(obj: Any) -> dict | None:
    """{"id", "name"} of a model instance, None for None."""
    return None if obj is None else _ref_dict(obj)


class PageQuery(Schema):
    """Query parameters of every paged list: the cursor from `next_cursor`, a page size."""

    cursor: str = Field(
        "", max_length=CURSOR_MAX_LENGTH, description="next_cursor of the page before"
    )
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

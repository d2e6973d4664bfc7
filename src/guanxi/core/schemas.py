"""Schema types every API area shares (django-ninja / pydantic 2).

class ContractOut(Schema):
    customer: RefOf            # a model instance (or None) → {"id": 7, "name": "张三"}
    total_amount: Money        # Decimal → "12345.60" in JSON, never a float

@router.get("/contracts", response=ContractPageOut)
def contract_list(request, query: Query[PageQuery]): ...
"""

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    Strict,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

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


# Numbers in request bodies are strict: a JSON integer written as one, never `true` (pydantic
# would read it as 1), 2.0 or "2". Query strings are text by nature, so query parameters use
# the lax kinds.
Integer = Annotated[int, Strict()]
Boolean = Annotated[bool, Strict()]
# A database id: positive and within a 64-bit integer (SQLite cannot even bind a larger one).
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]
# The cursor of a list paged by id (the last id shown): digits only.
IdCursor = Annotated[str, Field(max_length=20, pattern=r"^[0-9]*$")]

# A decimal in a request body: a JSON number, or a string of plain digits ("12345.60"); the
# services check sign, size and places with their own messages. `true`, "1e30", "1,5" and
# "Infinity" are refused here, and the OpenAPI document says so.
DECIMAL_TEXT = r"^[+-]?[0-9]{1,40}(\.[0-9]{1,40})?$"


def _json_decimal(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_type", "Decimal input should be a number or string")
    if isinstance(value, str) and not re.fullmatch(DECIMAL_TEXT, value):
        raise PydanticCustomError("decimal_parsing", "Input should be a valid decimal")
    return value


DecimalIn = Annotated[
    Decimal,
    BeforeValidator(_json_decimal),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "pattern": DECIMAL_TEXT}]}),
]


def choices(values: Iterable[str]) -> dict[str, Any]:
    """`json_schema_extra` that lists a text field's choices in the OpenAPI document; the
    service still checks them, with its own message."""
    return {"enum": list(values)}


def not_blank() -> dict[str, Any]:
    """`json_schema_extra` for text the service requires (and answers 422 when blank)."""
    return {"minLength": 1}


class Input(Schema):
    """Request bodies refuse unknown fields, so nobody sets `status` or an amount by adding
    a key."""

    model_config = ConfigDict(extra="forbid")


def _format_money(value: Decimal) -> str:
    return f"{value:.2f}"


# Money out: two decimals as a string; in: a decimal string or number, parsed by pydantic.
Money = Annotated[Decimal, PlainSerializer(_format_money, return_type=str, when_used="json")]


def _format_rate(value: Decimal) -> str:
    return f"{value:.4f}"


def _format_quantity(value: Decimal) -> str:
    return f"{value:.3f}"


# Out only, as strings like Money: a rate is a fraction with four decimals ("0.1300"), a
# quantity has three ("2.500").
RateOut = Annotated[Decimal, PlainSerializer(_format_rate, return_type=str, when_used="json")]
QuantityOut = Annotated[
    Decimal, PlainSerializer(_format_quantity, return_type=str, when_used="json")
]


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


class ErrorOut(Schema):
    """The body of every error answer of the API (docs/api.md)."""

    detail: str = Field(description="What went wrong, in the caller's language")
    errors: dict[str, list[str]] = Field(
        description="Messages per input field (`__all__` for the request as a whole)"
    )
    code: str = Field(description="A stable name of the error, e.g. ValidationFailed")
    match_id: int | None = Field(
        None, description="DuplicateFound: the existing record the caller may see"
    )


IDEMPOTENCY_KEY_LIMIT = 80


def idempotency_key_parameter(*, required: bool, description: str) -> dict:
    """The `Idempotency-Key` request header in an operation's `openapi_extra`."""
    return {
        "in": "header",
        "name": "Idempotency-Key",
        "required": required,
        "schema": {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_LIMIT},
        "description": description,
    }


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def error_statuses(
    *, methods: set[str], authenticated: bool, path: bool, inputs: bool, body: bool
) -> list[int]:
    """The error statuses an operation of this kind can answer, each with an `ErrorOut`
    body; the API's OpenAPI document declares them on every operation (docs/decisions.md,
    "Error answers in the OpenAPI document").

    401/403: a missing token, a role without the permission, a session without the CSRF
    token. 404: a path id that does not exist or that the caller may not see. 400: a body
    that is not JSON. 409: a write refused by the record's state or a concurrent change.
    422: input the schema or the business rules refuse."""
    statuses = []
    if body:
        statuses.append(400)
    if authenticated:
        statuses += [401, 403]
    if path:
        statuses.append(404)
    if methods & UNSAFE_METHODS:
        statuses.append(409)
    if inputs or body:
        statuses.append(422)
    return statuses


class PageQuery(Schema):
    """Query parameters of every paged list: the cursor from `next_cursor`, a page size."""

    cursor: str = Field(
        "", max_length=CURSOR_MAX_LENGTH, description="next_cursor of the page before"
    )
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def idempotency_key_extra(*, required: bool, description: str) -> dict:
    """The `openapi_extra` of an operation whose only extra is the `Idempotency-Key` header."""
    return {"parameters": [idempotency_key_parameter(required=required, description=description)]}


# A list filter by a record's id in a query string, read as text like the pages' filters:
# digits, or "" for no filter.
IdFilter = Annotated[str, Field(max_length=18, pattern=r"^[0-9]*$")]

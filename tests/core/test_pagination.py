"""The shared keyset pagination (issue 10): cursors round-trip, and anything malformed is a
field error on `cursor`, never an exception that becomes a 500 (issue 11: `[1e999]`)."""

import base64
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guanxi.core.errors import ValidationFailed
from guanxi.core.pagination import (
    MAX_ID,
    cursor_decode,
    cursor_encode,
    id_cursor_decode,
    page_limit,
    parse_id,
)

KINDS = [dt.datetime, int]


def _raw(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_cursor_round_trip():
    when = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC)
    cursor = cursor_encode([when, 42, "王秀", Decimal("12.50"), dt.date(2026, 1, 5)])
    assert cursor_decode(cursor, [dt.datetime, int, str, Decimal, dt.date]) == [
        when,
        42,
        "王秀",
        Decimal("12.50"),
        dt.date(2026, 1, 5),
    ]


@pytest.mark.parametrize(
    "cursor",
    [
        _raw("[1e999]"),  # JSON infinity: int() of it raised OverflowError
        _raw("[Infinity]"),
        _raw("[NaN]"),
        _raw("[true]"),
        _raw("[null]"),
        _raw(f"[{MAX_ID + 1}]"),
        _raw("[1.5]"),
        _raw('["1"]'),
        _raw("{}"),
        _raw("[1, 2]"),
        _raw("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"),
        "@@@",
        "\x00",
        "x" * 600,
        "",
    ],
)
def test_malformed_cursors_are_field_errors(cursor):
    with pytest.raises(ValidationFailed) as caught:
        cursor_decode(cursor, [int])
    assert list(caught.value.field_errors) == ["cursor"]


def test_text_cursor_refuses_nul():
    with pytest.raises(ValidationFailed):
        cursor_decode(_raw('["a\\u0000b"]'), [str])


@given(st.text(max_size=80))
def test_any_text_decodes_or_is_a_field_error(cursor):
    try:
        cursor_decode(cursor, KINDS)
    except ValidationFailed as exc:
        assert list(exc.field_errors) == ["cursor"]


@given(st.binary(max_size=60))
def test_any_bytes_in_base64_decode_or_are_a_field_error(data):
    cursor = base64.urlsafe_b64encode(data).decode()
    for kinds in ([int], [str], [dt.datetime, int], [Decimal], [dt.date]):
        try:
            cursor_decode(cursor, kinds)
        except ValidationFailed as exc:
            assert list(exc.field_errors) == ["cursor"]


@pytest.mark.parametrize("cursor", ["abc", "-1", "²", "1" * 20, str(MAX_ID + 1), "1.0", " "])
def test_id_cursor_refuses_anything_but_an_id(cursor):
    with pytest.raises(ValidationFailed):
        id_cursor_decode(cursor)


def test_id_cursor():
    assert id_cursor_decode("") is None
    assert id_cursor_decode(None) is None
    assert id_cursor_decode("0") == 0
    assert id_cursor_decode(str(MAX_ID)) == MAX_ID


def test_parse_id_and_limits():
    assert parse_id(True) is None
    assert parse_id("12") == 12
    assert parse_id("0") is None
    assert parse_id(0, minimum=0) == 0
    assert page_limit("abc") == 25
    assert page_limit(10**30) == 100
    assert page_limit(-5) == 1
    assert page_limit(float("inf")) == 25

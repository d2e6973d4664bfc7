"""Strict number parsing for every form and API field (issue 11 §2)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guanxi.core.numbers import NumberRefused, number_parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12345.60", Decimal("12345.60")),
        ("12,345.60", Decimal("12345.60")),
        ("1,000", Decimal("1000")),
        ("-3.5", Decimal("-3.5")),
        ("１２，３４５．６", Decimal("12345.6")),
        ("¥1,280.50", Decimal("1280.50")),
        ("300元", Decimal("300")),
        (" 42 ", Decimal("42")),
        (7, Decimal("7")),
        (Decimal("1.25"), Decimal("1.25")),
        (0.1, Decimal("0.1")),
    ],
)
def test_well_formed_numbers(text, expected):
    assert number_parse(text) == expected


@pytest.mark.parametrize(
    "text",
    ["1,5", "12,34", "1_000", "1e3", "1e30", "", "abc", "1.2.3", ",100", "1,00,000", "NaN",
     "Infinity", "--1", "1 000 000x", True, None, "12万", "٣"],
)  # fmt: skip
def test_malformed_numbers_are_refused(text):
    with pytest.raises(NumberRefused):
        number_parse(text)


def test_wan_where_the_field_allows_it():
    assert number_parse("1.5万", allow_wan=True) == Decimal("15000")
    assert number_parse("12万", allow_wan=True) == Decimal("120000")


def test_huge_numbers_are_refused():
    with pytest.raises(NumberRefused):
        number_parse("1" * 70)
    with pytest.raises(NumberRefused):
        number_parse(10**70)


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, max_value=10**12, min_value=-(10**12)
    )
)
def test_formatted_amounts_round_trip(amount):
    assert number_parse(f"{amount:,.2f}") == amount
    assert number_parse(str(amount)) == amount


@given(st.text(max_size=30))
def test_any_text_parses_or_is_refused(text):
    try:
        parsed = number_parse(text, allow_wan=True)
    except NumberRefused as refused:
        assert refused.message
    else:
        assert parsed.is_finite()

"""core.dates: calendar months, as the payment plans, the forecast and the satisfaction
reports count them."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guanxi.core.dates import add_months, month_bounds, month_start

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2027, 1, 31), 1, D(2027, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2027, 1, 15), -1, D(2026, 12, 15)),
        (D(2027, 3, 31), -1, D(2027, 2, 28)),
        (D(2026, 11, 1), 14, D(2028, 1, 1)),
        (D(2026, 5, 1), -17, D(2024, 12, 1)),
        (D(2026, 8, 30), 0, D(2026, 8, 30)),
    ],
)
def test_add_months_keeps_the_day_within_the_month_reached(day, months, expected):
    assert add_months(day, months) == expected


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2900, 12, 31)), st.integers(-1200, 1200))
def test_add_months_moves_by_whole_months(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or moved == month_bounds(moved)[1]
    assert add_months(month_start(day), months) == month_start(moved)


def test_month_bounds():
    assert month_bounds(D(2027, 2, 14)) == (D(2027, 2, 1), D(2027, 2, 28))
    assert month_bounds(D(2028, 2, 29)) == (D(2028, 2, 1), D(2028, 2, 29))
    assert month_bounds(D(2026, 12, 31)) == (D(2026, 12, 1), D(2026, 12, 31))
    assert month_start(D(2026, 12, 31)) == D(2026, 12, 1)

"""One reading of the goodwill amounts a person types: a compensation (above zero) and the
threshold above which one needs an approval (zero allowed), with the field's errors."""

from decimal import Decimal

import pytest
from django.utils import translation

from guanxi.core.errors import ValidationFailed
from guanxi.service.common.amounts import amount_clean


@pytest.mark.parametrize(
    ("raw", "zero", "expected"),
    [
        ("300", False, Decimal("300.00")),
        (" 12.5 ", False, Decimal("12.50")),
        (Decimal("0.01"), False, Decimal("0.01")),
        ("0", True, Decimal("0.00")),
        ("9999999999.99", True, Decimal("9999999999.99")),
    ],
)
def test_an_amount_is_read_to_the_fen(raw, zero, expected):
    assert amount_clean(raw, field="amount", zero=zero) == expected


@pytest.mark.parametrize(
    ("raw", "zero", "message"),
    [
        ("三百", False, "Enter an amount such as 300.00."),
        ("0", False, "Enter an amount above zero."),
        ("-1", True, "Enter an amount above zero."),
        ("10000000000", True, "Enter an amount above zero."),
        ("NaN", False, "Enter an amount above zero."),
        ("1.234", True, "At most two decimal places."),
    ],
)
def test_a_refused_amount_is_the_fields_error(raw, zero, message):
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        amount_clean(raw, field="threshold", zero=zero)
    assert [str(m) for m in refused.value.field_errors["threshold"]] == [message]

"""The goodwill amounts of complaints as people type them: a compensation, and the threshold
above which one needs an approval. Both are yuan with at most two decimal places in a column
of twelve digits, refused with the same messages on the form's field."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from guanxi.core.errors import invalid_field

FEN = Decimal("0.01")
AMOUNT_MAX = Decimal("9999999999.99")  # DecimalField(max_digits=12, decimal_places=2)


def amount_clean(raw: object, *, field: str, zero: bool = False) -> Decimal:
    """`raw` (text or a number) as an amount above zero, or from zero on with `zero`; a field
    error on `field` otherwise."""
    try:
        amount = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise invalid_field(field, _("Enter an amount such as 300.00.")) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not zero) or amount > AMOUNT_MAX:
        raise invalid_field(field, _("Enter an amount above zero."))
    if amount != amount.quantize(FEN):
        raise invalid_field(field, _("At most two decimal places."))
    return amount.quantize(FEN)

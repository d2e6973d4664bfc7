"""Numbers and money typed by people (forms, API strings, imports), parsed one strict way.

"1,5" is not fifteen and "12,34" is not 1,234: grouping must be well formed (Babel's strict
`parse_decimal` with the zh_CN locale), "1_000" and "1e3" are refused, full-width digits and
commas are read as their ASCII forms, and where a field allows it "1.5万" is 15,000. A JSON
number is taken as written (never through a float). Anything else is a ValueError with a
message for the user.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, parse_decimal
from django.utils.translation import gettext as _

# Beyond any amount, quantity or rate; callers check their own, narrower ranges with their own
# messages (money.MAX_DIGITS …).
MAX_DIGITS = 60
WAN = Decimal(10000)
_SHAPE = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_CURRENCY = ("¥", "￥", "元", "RMB", "CNY")


class NumberRefused(ValueError):
    """The text is not a well-formed number; `message` says why, in the user's language."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _checked(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise NumberRefused(_("Enter a number."))
    if value and value.adjusted() >= MAX_DIGITS:
        raise NumberRefused(_("This number is too large."))
    return value


def number_parse(value: object, *, allow_wan: bool = False) -> Decimal:
    """The Decimal a person meant by `value` (text, int or Decimal); NumberRefused else."""
    if isinstance(value, bool) or value is None:
        raise NumberRefused(_("Enter a number."))
    if isinstance(value, float):
        # JSON numbers arrive as floats; their shortest repr is what the sender wrote.
        value = repr(value)
    if isinstance(value, int | Decimal):
        try:
            return _checked(Decimal(value))
        except InvalidOperation as exc:
            raise NumberRefused(_("Enter a number.")) from exc
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    for symbol in _CURRENCY:
        text = text.removeprefix(symbol).removesuffix(symbol)
    factor = Decimal(1)
    if allow_wan and text.endswith("万"):
        text, factor = text[:-1], WAN
    if not _SHAPE.fullmatch(text):
        raise NumberRefused(_("Enter a number like 12,345.60."))
    try:
        number = parse_decimal(text, locale="zh_CN", strict=True)
    except (NumberFormatError, InvalidOperation) as exc:
        raise NumberRefused(_("Enter a number like 12,345.60.")) from exc
    return _checked(number * factor)

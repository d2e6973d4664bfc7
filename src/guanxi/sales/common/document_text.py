"""Words and numbers printed on documents (quotes, contracts), for the pages and the PDFs:
amounts in capital numerals (人民币大写), percentages, quantities, dates, the seller's name.
Apart from the PDF renderer (pdf.py), so the pages do not load reportlab."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from guanxi.sales.common import money

# The seller printed on contracts and quotes (乙方); set GUANXI_COMPANY_NAME in the settings.
DEFAULT_SELLER = "关系商贸有限公司"

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_GROUP_UNITS = ("", "拾", "佰", "仟")
_SECTION_UNITS = ("", "万", "亿", "万亿")

# ---------------------------------------------------------------- 大写金额


def _four_digits(number: int) -> str:
    """0 < number < 10000 in capital numerals, inner zeros as one 零 (1005 → 壹仟零伍)."""
    out = []
    zero = False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS[digit] + _GROUP_UNITS[position])
    return "".join(out)


def amount_in_words(amount) -> str:
    """An amount of yuan in Chinese capital numerals (人民币大写), rounded to the fen:
    12345.67 → 壹万贰仟叁佰肆拾伍元陆角柒分; 100000 → 壹拾万元整; 1005.3 → 壹仟零伍元叁角;
    0.05 → 伍分; 0 → 零元整. Up to 9999 万亿 (more than a DecimalField(14, 2) holds)."""
    value = money.fen(amount)
    sign = "负" if value < 0 else ""
    fen_total = int(abs(value) * 100)
    yuan, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    if yuan >= 10**16:
        raise ValueError("amount too large")
    integer = ""
    if yuan:
        sections = []
        rest = yuan
        while rest:
            rest, group = divmod(rest, 10000)
            sections.append(group)
        pending_zero = False
        for index in range(len(sections) - 1, -1, -1):
            group = sections[index]
            if group == 0:
                pending_zero = bool(integer)
                continue
            if integer and (pending_zero or group < 1000):
                integer += "零"
            integer += _four_digits(group) + _SECTION_UNITS[index]
            pending_zero = False
        integer += "元"
    if not jiao and not fen:
        return sign + (integer or "零元") + "整"
    decimals = ""
    if jiao:
        decimals += _DIGITS[jiao] + "角"
    if fen:
        if integer and not jiao:
            decimals += "零"
        decimals += _DIGITS[fen] + "分"
    return sign + integer + decimals


# ---------------------------------------------------------------- formatting


def money_text(value) -> str:
    return f"{money.fen(value):,.2f}"


def quantity_text(value) -> str:
    value = Decimal(value)
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return text or "0"


def percent_text(value) -> str:
    percent = (Decimal(value) * 100).quantize(Decimal("0.01"))
    text = f"{percent:f}".rstrip("0").rstrip(".")
    return f"{text}%"


def date_text(value) -> str:
    if value is None:
        return _("(not set)")
    return f"{value.year}-{value.month:02d}-{value.day:02d}"


def seller_name() -> str:
    return getattr(settings, "GUANXI_COMPANY_NAME", "") or DEFAULT_SELLER

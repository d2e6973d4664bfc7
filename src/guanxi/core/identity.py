"""Chinese identity numbers: 居民身份证号 (GB 11643) and 统一社会信用代码 (GB 32100)."""

import datetime as dt
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalize_id_number(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw or "").strip().replace(" ", "").upper()


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def parse_id_number(raw: str) -> tuple[str, dt.date, str]:
    """Validate an 18-digit ID number; return (number, birth date, gender 'M'/'F')."""
    number = normalize_id_number(raw)
    # isdigit() also accepts other scripts' digits (٣), which NFKC leaves alone.
    if (
        len(number) != 18
        or not number.isascii()
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise ValidationError(_("An ID number has 18 characters: 17 digits and a digit or X."))
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValidationError(_("The birth date inside this ID number does not exist.")) from exc
    if birth.year < 1900 or birth > timezone.localdate():
        raise ValidationError(_("The birth date inside this ID number does not exist."))
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError(_("The check digit of this ID number is wrong."))
    gender = "M" if int(number[16]) % 2 else "F"
    return number, birth, gender


def mask_id_number(number: str) -> str:
    """110105********1234 style: region kept, birth date and sequence hidden."""
    if not number:
        return ""
    return f"{number[:6]}********{number[-4:]}" if len(number) == 18 else "*" * len(number)


_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check_char(first17: str) -> str:
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def normalize_credit_code(raw: str) -> str:
    """Validate a unified social credit code; return it upper-case, or '' for blank."""
    code = unicodedata.normalize("NFKC", raw or "").strip().replace(" ", "").upper()
    if not code:
        return ""
    if len(code) != 18 or any(c not in _CREDIT_CHARS for c in code):
        raise ValidationError(_("A unified social credit code has 18 letters and digits."))
    if credit_check_char(code[:17]) != code[17]:
        raise ValidationError(_("The check character of this credit code is wrong."))
    return code

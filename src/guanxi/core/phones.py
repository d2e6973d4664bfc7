"""Phone numbers in any Chinese notation, normalised to E.164 (ARC-5, ARC-7)."""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_NOISE = re.compile(r"[\s\-‐‑–—().,/·]")


# The mainland mobile ranges as phonenumbers' own metadata describes them: a number in them is
# valid and a mobile, so parsing it (~0.2 ms, most of an import row's validation) is skipped.
def _mobile_pattern() -> re.Pattern[str]:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    pattern = metadata.mobile.national_number_pattern if metadata and metadata.mobile else None
    return re.compile(pattern or r"(?!)")  # without metadata, every number takes the parser


_CN_MOBILE = _mobile_pattern()


def _ascii(raw: str) -> str:
    # NFKC folds full-width digits and the full-width plus sign into ASCII.
    return _NOISE.sub("", unicodedata.normalize("NFKC", raw or "")).strip()


def phone_search_digits(raw: str) -> str | None:
    """The digits to look for when `raw` is typed into a search box as a phone number, or None
    when it is not one. A whole number in any notation `normalize_phone` accepts (+86, 0086,
    a trunk 0 in brackets, separators) becomes its national number, so that search finds what
    create stored; a fragment of three or more digits is looked for as typed."""
    text = _ascii(raw)
    if not re.fullmatch(r"\+?[0-9]+", text):
        return None
    try:
        e164 = normalize_phone(text)
    except ValidationError:
        e164 = ""
    if e164.startswith("+86"):
        return e164[3:]
    if e164:
        return e164[1:]
    digits = text.lstrip("+")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) >= 3 else None


def normalize_phone(raw: str, *, mobile: bool = False) -> str:
    """Return the E.164 form of `raw`, or '' for blank input; raise ValidationError if invalid."""
    text = _ascii(raw)
    if not text:
        return ""
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text.lstrip("+").isdecimal() or not text.lstrip("+").isascii():
        # phonenumbers would read letters as a keypad (1-800-FLOWERS), turning a typo into
        # somebody else's mobile; only digits and a leading plus sign are a number.
        raise ValidationError(_("“%(value)s” is not a phone number."), params={"value": raw})
    national = text[3:] if text.startswith("+86") else text
    if len(national) == 11 and national[0] == "1" and _CN_MOBILE.fullmatch(national):
        return "+86" + national
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number."), params={"value": raw}
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("“%(value)s” is not a valid phone number."), params={"value": raw})
    if mobile and phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(_("“%(value)s” is not a mobile number."), params={"value": raw})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """A Chinese mobile is shown as 138 0013 8000; other numbers in international form."""
    if not e164:
        return ""
    if e164.startswith("+86") and len(e164) == 14:
        n = e164[3:]
        return f"{n[:3]} {n[3:7]} {n[7:]}"
    try:
        return phonenumbers.format_number(
            phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    except phonenumbers.NumberParseException:
        return e164


def mask_phone(e164: str) -> str:
    """138****8000: the middle four digits hidden, as Chinese CRMs show them."""
    if not e164:
        return ""
    national = e164[3:] if e164.startswith("+86") else e164.lstrip("+")
    if len(national) >= 7:
        return f"{national[:3]}****{national[-4:]}"
    return "****"

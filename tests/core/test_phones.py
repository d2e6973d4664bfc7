"""Phone numbers in any Chinese notation (ARC-5, ARC-7): normalisation, masking, display."""

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from guanxi.core.phones import display_phone, mask_phone, normalize_phone, phone_search_digits


@pytest.mark.parametrize(
    "raw",
    [
        "+86 138-0013-8000",
        "13800138000",
        "１３８００１３８０００",
        "＋８６ １３８ ００１３ ８０００",
        "008613800138000",
        "138 0013 8000",
        " 138\t0013\u30008000 ",
        "(138) 0013-8000",
        "+86 138.0013.8000",
    ],
)
def test_mobile_notations_normalise_to_one_e164(raw):
    assert normalize_phone(raw) == "+8613800138000"
    assert normalize_phone(raw, mobile=True) == "+8613800138000"


@pytest.mark.parametrize("raw", ["+86 (10) 6552 9988", "010-65529988", "(010) 6552 9988"])
def test_beijing_landline(raw):
    assert normalize_phone(raw) == "+861065529988"


def test_landline_is_not_a_mobile():
    with pytest.raises(ValidationError):
        normalize_phone("+86 (10) 6552 9988", mobile=True)


@pytest.mark.parametrize("raw", ["", "   ", None, "\u3000"])
def test_blank_is_empty(raw):
    assert normalize_phone(raw) == ""


@pytest.mark.parametrize(
    "raw",
    [
        "123",
        "1380013800",
        "138001380001",
        "abc",
        "138OO138OOO",
        "1-800-FLOWERS",
        "phone: 13800138000x",
        "13800138000#",
        "+",
        "00",
        "++",
    ],
)
def test_invalid_numbers_refused(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_error_message_names_the_input():
    with pytest.raises(ValidationError) as info:
        normalize_phone("1380013800")
    assert "1380013800" in info.value.messages[0]


def test_display_and_mask():
    assert display_phone("+8613800138000") == "138 0013 8000"
    assert display_phone("+861065529988") == "+86 10 6552 9988"
    assert display_phone("") == ""
    assert display_phone("garbage") == "garbage"
    assert mask_phone("+8613800138000") == "138****8000"
    assert "0013" not in mask_phone("+8613800138000")
    assert mask_phone("+861065529988") == "106****9988"
    assert mask_phone("") == ""
    assert mask_phone("+8612") == "****"


def test_search_digits_of_a_fragment_are_the_digits_typed():
    assert phone_search_digits("１３８-0013") == "1380013"
    assert phone_search_digits("abc") is None
    assert phone_search_digits("13") is None
    assert phone_search_digits("张伟") is None


MOBILE_NOTATIONS = [
    "13800138000",
    "138 0013 8000",
    "+86 138 0013 8000",
    "8613800138000",
    "008613800138000",
    "0086-138-0013-8000",
    "(0)13800138000",
    "+86 (0)138 0013 8000",
    "１３８００１３８０００",
]


@pytest.mark.parametrize("notation", MOBILE_NOTATIONS)
def test_search_accepts_every_notation_create_accepts(notation):
    # Issue 11 §2: 008613800138000 and (0)13800138000 were stored by create but not found.
    assert normalize_phone(notation) == "+8613800138000"
    assert phone_search_digits(notation) == "13800138000"


@pytest.mark.parametrize("notation", ["010-62345678", "(010) 6234 5678", "0086 10 6234 5678"])
def test_search_digits_of_a_landline_are_its_national_number(notation):
    assert phone_search_digits(notation) == "1062345678"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_search_digits_find_what_create_stored(text):
    try:
        stored = normalize_phone(text)
    except ValidationError:
        return
    if not stored:
        return
    digits = phone_search_digits(text)
    assert digits is not None and digits in stored


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_normalize_never_raises_anything_but_validation_error(text):
    for mobile in (False, True):
        try:
            result = normalize_phone(text, mobile=mobile)
        except ValidationError:
            continue
        assert result == "" or result.startswith("+")
        assert normalize_phone(result, mobile=mobile) == result


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789０１２３４５６７８９+＋ -()（）", min_size=1, max_size=20))
def test_normalize_is_idempotent_on_digit_soup(text):
    try:
        result = normalize_phone(text)
    except ValidationError:
        return
    assert normalize_phone(result) == result
    assert mask_phone(result).count("*") in (0, 4)


def _by_phonenumbers(national: str) -> str | None:
    try:
        # some 1… numbers read as a carrier-selection call prefix (1xxxx00) and then an
        # unknown country: no number at all, so no mobile either
        parsed = phonenumbers.parse(national, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    if phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**10 - 1))
@example(1030008905)  # 11030008905: a call prefix, then no known country code
@example(1804005915)  # 11804005915: a call prefix, then too short a number
def test_mobile_shortcut_answers_as_phonenumbers_does(number):
    """An 11-digit number starting with 1 skips phonenumbers' parser when it is in the mobile
    ranges of phonenumbers' metadata; the answer must be the parser's."""
    national = f"1{number:010d}"
    expected = _by_phonenumbers(national)
    for notation in (national, f"+86{national}", f"0086 {national}"):
        try:
            got = normalize_phone(notation, mobile=True)
        except ValidationError:
            got = None
        assert got == expected

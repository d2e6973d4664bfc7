"""ID numbers (居民身份证号, GB 11643) and unified social credit codes (GB 32100)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from guanxi.core.identity import (
    credit_check_char,
    id_check_digit,
    mask_id_number,
    normalize_credit_code,
    parse_id_number,
)


def make_id(region="110105", birth="19900307", sequence="123") -> str:
    first17 = f"{region}{birth}{sequence}"
    return first17 + id_check_digit(first17)


def test_known_valid_number_with_x():
    number, birth, gender = parse_id_number("11010519491231002X")
    assert number == "11010519491231002X"
    assert birth == dt.date(1949, 12, 31)
    assert gender == "F"  # 17th digit 2 is even


def test_lowercase_x_and_full_width_digits_accepted():
    assert parse_id_number("11010519491231002x")[0] == "11010519491231002X"
    full_width = "１１０１０５１９４９１２３１００２Ｘ"
    assert parse_id_number(full_width)[0] == "11010519491231002X"
    assert parse_id_number(" 110105 19491231 002X ")[0] == "11010519491231002X"


@pytest.mark.parametrize(
    ("sequence", "gender"), [("121", "M"), ("122", "F"), ("019", "M"), ("000", "F")]
)
def test_gender_from_seventeenth_digit(sequence, gender):
    assert parse_id_number(make_id(sequence=sequence))[2] == gender


def test_wrong_check_digit():
    good = make_id()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    for language, expected in (("en", "check digit"), ("zh-hans", "校验")):
        with translation.override(language):
            with pytest.raises(ValidationError) as info:
                parse_id_number(wrong)
            assert expected in info.value.messages[0]


@pytest.mark.parametrize("birth", ["19900230", "19901301", "19900000", "18991231"])
def test_impossible_birth_date(birth):
    with pytest.raises(ValidationError):
        parse_id_number(make_id(birth=birth))


def test_future_birth_date():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        parse_id_number(make_id(birth=tomorrow.strftime("%Y%m%d")))
    today = timezone.localdate()
    assert parse_id_number(make_id(birth=today.strftime("%Y%m%d")))[1] == today


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "1101051949123100",
        "11010519491231002",
        "11010519491231002XX",
        "1101051949123100YX",
        "A1010519491231002X",
        "110105194912310X2X",
        "11010519491231002X".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
    ],
)
def test_wrong_shape(raw):
    with pytest.raises(ValidationError):
        parse_id_number(raw)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_parse_never_raises_anything_but_validation_error(text):
    try:
        number, birth, gender = parse_id_number(text)
    except ValidationError:
        return
    assert len(number) == 18 and gender in ("M", "F")
    assert parse_id_number(number) == (number, birth, gender)


@settings(max_examples=100, deadline=None)
@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_generated_numbers_round_trip(birth, sequence):
    number = make_id(birth=birth.strftime("%Y%m%d"), sequence=f"{sequence:03d}")
    assert parse_id_number(number) == (number, birth, "M" if sequence % 2 else "F")


def test_mask_id_number():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert "1949" not in mask_id_number("11010519491231002X")
    assert mask_id_number("") == ""
    assert mask_id_number("12345") == "*****"


def test_credit_code_valid_and_normalised():
    assert normalize_credit_code("91350100M000100Y43") == "91350100M000100Y43"
    assert normalize_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert normalize_credit_code("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"
    assert normalize_credit_code("") == ""
    assert credit_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    "raw",
    [
        "91350100M000100Y44",
        "91350100M000100Y4",
        "91350100M000100Y433",
        "91350100I000100Y43",
        "91350100O000100Y43",
        "91350100M000100Y4!",
        "913501OOM000100Y43",
    ],
)
def test_credit_code_invalid(raw):
    with pytest.raises(ValidationError):
        normalize_credit_code(raw)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=25))
def test_credit_code_never_raises_anything_but_validation_error(text):
    try:
        code = normalize_credit_code(text)
    except ValidationError:
        return
    assert code == "" or normalize_credit_code(code) == code

"""Pinyin keys of names for search (ARC-7): 张三 ← zhangsan, zs."""

import pytest

from guanxi.core.names import initials_of, pinyin_keys


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("张三", "zhangsan", "zs"),
        ("单田芳", "shantianfang", "stf"),
        ("曾国藩", "zengguofan", "zgf"),
        ("曾", "zeng", "z"),
        ("解放", "xiefang", "xf"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("  张三  ", "zhangsan", "zs"),
        ("Tom张", "tomzhang", "tz"),
        ("李Lily", "lilily", "ll"),
        ("ＡＢＣ", "abc", "a"),
    ],
)
def test_person_names(name, full, initials):
    assert pinyin_keys(name) == (full, initials)


def test_polyphonic_surname_only_for_persons():
    # 单位 as an organisation word keeps the common reading.
    assert pinyin_keys("单位", person=False)[0] == "danwei"
    assert pinyin_keys("单位")[0] == "shanwei"


@pytest.mark.parametrize("name", ["", None, "   ", "!!!", "—·—"])
def test_empty_or_punctuation(name):
    assert pinyin_keys(name) == ("", "")


def test_keys_are_ascii_and_bounded():
    full, initials = pinyin_keys("张" * 500)
    assert full.isascii() and initials.isascii()
    assert len(full) <= 200 and len(initials) <= 100
    assert initials_of("王小明") == "wxm"

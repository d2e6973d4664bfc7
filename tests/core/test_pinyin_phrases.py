"""The phrase subset that core/names.py loads instead of pypinyin's whole phrase dictionary
(issue 13 §3, memory): still what pypinyin ships, and the same pinyin as the whole
dictionary gives for the names Guanxi stores."""

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from guanxi.core import names
from guanxi.customers import demo

# pypinyin's dictionaries, no database: one CI phase runs it (.ci/run)
pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[2]

FULL_DICTIONARY = """
import json, sys
from pypinyin import lazy_pinyin
texts = json.load(sys.stdin)
print(json.dumps([lazy_pinyin(text, errors="default") for text in texts]))
"""


def _corpus() -> list[str]:
    surnames = [surname for surname, _weight in demo.SURNAMES]
    given = demo.MALE_NAMES + demo.FEMALE_NAMES
    people = [surname + name for surname, name in itertools.product(surnames, given)]
    brands = [demo.BRAND_CHARS[i : i + 2] for i in range(0, len(demo.BRAND_CHARS) - 1, 2)]
    companies = [
        city[0].removesuffix("市") + brand + word + form
        for city, brand, (word, _industry), form in itertools.product(
            demo.CITIES, brands, demo.BUSINESS_WORDS, demo.LEGAL_FORMS[:2]
        )
    ]
    districts = [district for city in demo.CITIES for district in city[2]]
    phrases = list(json.loads(names.PHRASES.read_text(encoding="utf-8")))
    extra = ["重庆长安汽车有限公司", "长沙银行", "中国银行行长", "朝阳区重工业", "音乐学院"]
    return people + companies + districts + phrases + extra


def test_the_shipped_phrases_are_what_pypinyin_gives():
    check = subprocess.run(  # noqa: S603 - this interpreter and the repository's script
        [sys.executable, str(ROOT / "scripts" / "pinyin_phrases.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


def test_same_pinyin_as_the_whole_phrase_dictionary():
    corpus = _corpus()
    assert len(corpus) > 5_000
    full = subprocess.run(  # noqa: S603 - this interpreter and a fixed program
        [sys.executable, "-c", FULL_DICTIONARY],
        input=json.dumps(corpus, ensure_ascii=False),
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=True,
    )
    expected = json.loads(full.stdout)
    differ = [
        (text, ours, theirs)
        for text, theirs in zip(corpus, expected, strict=True)
        if (ours := names.toneless_pinyin(text)) != theirs
    ]
    assert differ == []

"""The pinyin table that core/names.py reads instead of importing pypinyin (issue 13 §3,
memory and speed): still what pypinyin ships, and the same syllables as pypinyin's
lazy_pinyin in the configuration Guanxi used (no phrase dictionary, the phrase subset loaded)
for every character of its dictionary, every phrase of the subset, the demo names and 50,000
random texts."""

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from guanxi.core import names
from tests.core.test_pinyin_phrases import _corpus

# pypinyin's dictionaries, no database: one CI phase runs it (.ci/run)
pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[2]

WITH_SUBSET = """
import json, os, sys
os.environ["PYPINYIN_NO_PHRASES"] = "true"
from pypinyin import lazy_pinyin, load_phrases_dict
from pypinyin.constants import PINYIN_DICT
subset, texts = json.load(sys.stdin)
load_phrases_dict({k: [[s] for s in v.split()] for k, v in subset.items()})
texts = [chr(code_point) for code_point in sorted(PINYIN_DICT)] + texts
print(json.dumps([[text, lazy_pinyin(text, errors="default")] for text in texts]))
"""

HAN_CHARACTERS = """
import json
from pypinyin.constants import RE_HANS
print(json.dumps([c for c in range(0x110000) if RE_HANS.match(chr(c))]))
"""

# Where pypinyin's cut reads the rest of a run character by character although a phrase
# starts inside it (长城 in 不到长城: zhang cheng), and phrases that touch.
SEGMENTATION = ["不到长城", "不到长城非好", "下不了", "七返还", "一块石头落了", "重庆银行行长"]

# Code points around and inside what pypinyin reads as Chinese: the CJK blocks and extension
# planes (characters with and without a reading), compatibility ideographs, the private-use
# characters it reads, radicals and CJK punctuation it does not.
SPANS = [
    (0x2E80, 0x2FDF),
    (0x3000, 0x303F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xE800, 0xE8FF),
    (0xF900, 0xFAFF),
    (0x20000, 0x323AF),
    (0x2F800, 0x2FA1F),
]
OTHERS = (
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "０１２３ＡＢＣａｂｃ!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~，。、；：？！“”‘’（）《》【】·—…"
    " \t\n\u3000\u00a0üÜéàñçßøı\u0301\u0308ﬁ①Ⅻ😀👨‍👩‍👧\ud800\udfff\ufeff"
)


def _random_texts(count: int, *, common: str, phrases: list[str]) -> list[str]:
    rng = random.Random(13)
    starting_with: dict[str, list[str]] = {}
    for phrase in phrases:
        starting_with.setdefault(phrase[0], []).append(phrase)

    def phrase_piece() -> str:
        phrase = rng.choice(phrases)
        start = rng.randrange(len(phrase))
        return phrase[start : rng.randint(start + 1, len(phrase))] if rng.random() < 0.4 else phrase

    def overlapping_phrases() -> str:
        # The beginning of a phrase running into (the beginning of) another phrase that starts
        # inside it: where the longest match and pypinyin's cut decide.
        phrase = rng.choice(phrases)
        end = rng.randrange(1, len(phrase))
        other = rng.choice(starting_with.get(phrase[end], [phrase[end:]]))
        return phrase[:end] + other[: rng.randint(1, len(other))]

    def rare_han() -> str:
        first, last = rng.choice(SPANS)
        return chr(rng.randint(first, last))

    pieces = [
        (phrase_piece, 3),
        (overlapping_phrases, 2),
        (lambda: rng.choice(common), 3),
        (rare_han, 2),
        (lambda: "".join(rng.choices(OTHERS, k=rng.randint(1, 4))), 3),
    ]
    makers = [maker for maker, _weight in pieces]
    weights = [weight for _maker, weight in pieces]
    return [
        "".join(maker() for maker in rng.choices(makers, weights, k=rng.randint(1, 8)))
        for _ in range(count)
    ]


def _pypinyin(texts: list[str]) -> list[tuple[str, list[str]]]:
    answer = subprocess.run(  # noqa: S603 - this interpreter and a fixed program
        [sys.executable, "-c", WITH_SUBSET],
        input=json.dumps([json.loads(names.PHRASES.read_text(encoding="utf-8")), texts]),
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=True,
    )
    return [(text, syllables) for text, syllables in json.loads(answer.stdout)]


def test_the_shipped_table_is_what_pypinyin_gives():
    check = subprocess.run(  # noqa: S603 - this interpreter and the repository's script
        [sys.executable, str(ROOT / "scripts" / "pinyin_table.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


def test_the_same_characters_read_as_chinese():
    answer = subprocess.run(  # noqa: S603 - this interpreter and a fixed program
        [sys.executable, "-c", HAN_CHARACTERS],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYPINYIN_NO_PHRASES": "true"},
        check=True,
    )
    # A character read as Chinese stands alone between letters; any other joins them.
    ours = [c for c in range(0x110000) if len(names.toneless_pinyin(f"a{chr(c)}b")) == 3]
    assert ours == json.loads(answer.stdout)


def test_same_syllables_as_pypinyin():
    phrases = list(json.loads(names.PHRASES.read_text(encoding="utf-8")))
    corpus = _corpus()
    common = "".join(sorted(set("".join(corpus))))
    random_texts = _random_texts(50_000, common=common, phrases=phrases)
    texts = ["", *SEGMENTATION, *phrases, *corpus, *random_texts]
    expected = _pypinyin(texts)
    assert len(expected) > 100_000
    differ = [
        (text, ours, theirs)
        for text, theirs in expected
        if (ours := names.toneless_pinyin(text)) != theirs
    ]
    assert differ == []

"""Pinyin of Chinese names for search (ARC-7): 张三 → zhangsan, zs."""

import base64
import json
import re
import sys
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path

# pypinyin cost every process 11.5 MiB and every name ~40 µs; Guanxi reads what it gave from
# two files generated with it. pinyin_table.json (scripts/pinyin_table.py) holds each
# character's own reading; pinyin_phrases.json (scripts/pinyin_phrases.py) the phrases that
# read otherwise than their characters (重庆 chongqing, not zhongqing).
TABLE = Path(__file__).with_name("pinyin_table.json")
PHRASES = Path(__file__).with_name("pinyin_phrases.json")

# The characters pypinyin reads as Chinese (its RE_HANS, ranges as it writes them): a run of
# them is read character by character or phrase by phrase, a run of any others is kept whole.
_HAN = (
    r"\u3007\ue815-\ue864\ufa18\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    r"\U00020000-\U0002A6DF\U0002A703-\U0002B73F\U0002B740-\U0002B81D\U0002B825-\U0002BF6E"
    r"\U0002C029-\U0002CE93\U0002D016\U0002D11B-\U0002EBD9\U0002F80A-\U0002FA1F"
    r"\U00030000-\U0003134A\U000300F7-\U00031288\U00030EDD\U00030EDE\U00031350-\U00032389"
)
_CHINESE_RUNS = re.compile(f"([{_HAN}]+)")

# A block is an array of indices into the syllables, one per code point (0xFFFF: none): 134 KB
# for the 42,000 characters rather than a dict of them.
_NO_READING = 0xFFFF


def _load_table() -> tuple[tuple[str, ...], list[int], list[array[int]]]:
    table = json.loads(TABLE.read_text(encoding="utf-8"))
    starts, blocks = [], []
    for first, encoded in table["blocks"]:
        block = array("H", base64.b64decode(encoded))
        if sys.byteorder == "big":
            block.byteswap()
        starts.append(first)
        blocks.append(block)
    return tuple(table["syllables"]), starts, blocks


_SYLLABLES, _BLOCK_STARTS, _BLOCKS = _load_table()


def _load_phrases() -> dict[str, tuple[str, ...]]:
    # The table's syllable strings serve the phrases too: 11,000 fewer small strings.
    shared = {syllable: syllable for syllable in _SYLLABLES}
    return {
        phrase: tuple([shared.get(syllable, syllable) for syllable in reading.split()])
        for phrase, reading in json.loads(PHRASES.read_text(encoding="utf-8")).items()
    }


_PHRASES = _load_phrases()
# With the phrases, what pypinyin's prefix set holds: the cut stops lengthening a word there.
_PHRASE_BEGINNINGS = frozenset(phrase[:end] for phrase in _PHRASES for end in range(1, len(phrase)))

_KEEP = re.compile(r"[^0-9a-z]")

# Surnames whose reading differs from the character's commonest reading (compound surnames
# as separate syllables, so that 尉迟恭 has the initials ycg).
_SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "乐": "yue",
    "尉迟": "yu chi",
    "万俟": "mo qi",
    "长孙": "zhang sun",
    "覃": "qin",
    "缪": "miao",
    "翟": "zhai",
    "盖": "ge",
    "燕": "yan",
    "尉": "yu",
}
_SURNAMES_LONGEST_FIRST = sorted(_SURNAME_READINGS, key=len, reverse=True)


def _character_reading(character: str) -> str:
    code_point = ord(character)
    block = bisect_right(_BLOCK_STARTS, code_point) - 1
    if block >= 0:
        readings = _BLOCKS[block]
        offset = code_point - _BLOCK_STARTS[block]
        if offset < len(readings) and (index := readings[offset]) != _NO_READING:
            return _SYLLABLES[index]
    return character


def _words(han_run: str) -> Iterator[str]:
    """The run cut as pypinyin cuts it once phrases are loaded (mmseg.seg, strict): at each
    point the longest phrase that starts there, else one character."""
    rest = han_run
    while rest:
        longest = 0
        for end in range(1, len(rest) + 1):
            beginning = rest[:end]
            if beginning in _PHRASES:
                longest = end
            elif beginning not in _PHRASE_BEGINNINGS:
                break
        else:
            if not longest:
                # pypinyin's cut: when every beginning of the rest of the run begins a phrase
                # and none is one, the rest is read character by character, without looking
                # for a phrase further on.
                yield from rest
                return
        length = longest or 1
        yield rest[:length]
        rest = rest[length:]


def toneless_pinyin(text: str) -> list[str]:
    """What pypinyin's lazy_pinyin(text, errors="default") gives without its phrase dictionary
    and with Guanxi's phrases loaded: a syllable for each Chinese character (a phrase's own
    reading inside one of Guanxi's phrases), each run of other characters as it is."""
    syllables: list[str] = []
    # Split by a group, the text alternates: other characters (maybe none), a Chinese run, …
    for place, run in enumerate(_CHINESE_RUNS.split(text)):
        if place % 2 == 0:
            if run:
                syllables.append(run)
            continue
        for word in _words(run):
            phrase_reading = _PHRASES.get(word)
            if phrase_reading is None:
                syllables.extend(map(_character_reading, word))
            else:
                syllables.extend(phrase_reading)
    return syllables


def _syllables(text: str, *, person: bool) -> list[str]:
    text = unicodedata.normalize("NFKC", text or "").strip().lower()
    if person:
        for surname in _SURNAMES_LONGEST_FIRST:
            if text.startswith(surname):
                rest = toneless_pinyin(text[len(surname) :])
                return [*_SURNAME_READINGS[surname].split(), *rest]
    return toneless_pinyin(text)


def pinyin_keys(text: str, *, person: bool = True) -> tuple[str, str]:
    """(full pinyin, initials) in lower-case ASCII letters and digits only."""
    syllables = _syllables(text, person=person)
    full = _KEEP.sub("", "".join(syllables))
    initials = _KEEP.sub("", "".join(s[:1] for s in syllables if s.strip()))
    return full[:200], initials[:100]


def initials_of(text: str) -> str:
    return pinyin_keys(text)[1]

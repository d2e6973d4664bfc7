"""Pinyin of Chinese names for search (ARC-7): 张三 → zhangsan, zs."""

import json
import os
import re
import unicodedata
from pathlib import Path

# pypinyin's whole phrase dictionary costs every process 40 MiB; it is needed only where a
# phrase reads otherwise than its characters (重庆 chongqing, not zhongqing), and those
# phrases are loaded below from pinyin_phrases.json (scripts/pinyin_phrases.py). These must be
# set before pypinyin is first imported.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")

from pypinyin import lazy_pinyin, load_phrases_dict

PHRASES = Path(__file__).with_name("pinyin_phrases.json")
load_phrases_dict(
    {
        phrase: [[syllable] for syllable in reading.split()]
        for phrase, reading in json.loads(PHRASES.read_text(encoding="utf-8")).items()
    }
)

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


def _syllables(text: str, *, person: bool) -> list[str]:
    text = unicodedata.normalize("NFKC", text or "").strip().lower()
    if person:
        for surname in sorted(_SURNAME_READINGS, key=len, reverse=True):
            if text.startswith(surname):
                rest = lazy_pinyin(text[len(surname) :], errors="default")
                return [*_SURNAME_READINGS[surname].split(), *rest]
    return lazy_pinyin(text, errors="default")


def pinyin_keys(text: str, *, person: bool = True) -> tuple[str, str]:
    """(full pinyin, initials) in lower-case ASCII letters and digits only."""
    syllables = _syllables(text, person=person)
    full = _KEEP.sub("", "".join(syllables))
    initials = _KEEP.sub("", "".join(s[:1] for s in syllables if s.strip()))
    return full[:200], initials[:100]


def initials_of(text: str) -> str:
    return pinyin_keys(text)[1]

"""Write src/guanxi/core/pinyin_phrases.json: the phrases of pypinyin's dictionary whose
toneless reading differs from the characters' own first readings (重庆 chongqing, 长沙
changsha, 银行 yinhang). Guanxi loads only these (core/names.py) instead of the whole phrase
dictionary: the same pinyin for search, 40 MiB less in every process.

    python scripts/pinyin_phrases.py           # write the file
    python scripts/pinyin_phrases.py --check   # exit 1 if the file is not what pypinyin gives
"""

import json
import subprocess
import sys
from pathlib import Path

from pypinyin import Style, phrases_dict
from pypinyin.constants import PINYIN_DICT
from pypinyin.style import convert

TARGET = Path(__file__).resolve().parent.parent / "src" / "guanxi" / "core" / "pinyin_phrases.json"


def _plain(reading: str) -> str:
    return convert(reading, Style.NORMAL, strict=True)


def _first_reading(character: str) -> str | None:
    readings = PINYIN_DICT.get(ord(character))
    return _plain(readings.split(",")[0]) if readings else None


# Reads every phrase as Guanxi will: without pypinyin's phrases, with only the subset.
WITH_SUBSET = """
import json, os, sys
os.environ["PYPINYIN_NO_PHRASES"] = "true"
from pypinyin import lazy_pinyin, load_phrases_dict
subset, phrases = json.load(sys.stdin)
load_phrases_dict({k: [[s] for s in v.split()] for k, v in subset.items()})
print(json.dumps([" ".join(lazy_pinyin(p, errors="default")) for p in phrases]))
"""


def _read_with(subset: dict[str, str], phrases: list[str]) -> list[str]:
    answer = subprocess.run(  # noqa: S603 - this interpreter and a fixed program
        [sys.executable, "-c", WITH_SUBSET],
        input=json.dumps([subset, phrases], ensure_ascii=False),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(answer.stdout)


def phrases_that_differ() -> dict[str, str]:
    """The phrases whose reading differs from their characters' first readings, then, until
    nothing changes, every phrase the subset itself would read otherwise (a shorter phrase
    of the subset matching inside it: 朝阳 zhaoyang in 朝阳区 chaoyangqu)."""
    readings = {
        phrase: " ".join(_plain(options[0]) for options in options_per_character)
        for phrase, options_per_character in phrases_dict.phrases_dict.items()
    }
    found = {
        phrase: reading
        for phrase, reading in readings.items()
        if " ".join(str(_first_reading(character)) for character in phrase) != reading
    }
    phrases = sorted(readings)
    while True:
        wrong = {
            phrase: readings[phrase]
            for phrase, read in zip(phrases, _read_with(found, phrases), strict=True)
            if read != readings[phrase]
        }
        if not wrong:
            return dict(sorted(found.items()))
        found.update(wrong)


def main() -> int:
    text = json.dumps(phrases_that_differ(), ensure_ascii=False, indent=0) + "\n"
    if "--check" in sys.argv:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is stale: run python scripts/pinyin_phrases.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"{TARGET}: {text.count(chr(10)) - 2} phrases")
    return 0


if __name__ == "__main__":
    sys.exit(main())

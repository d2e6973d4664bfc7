"""Write src/guanxi/core/pinyin_table.json: the toneless reading pypinyin's lazy_pinyin gives
each character of its dictionary on its own, which core/names.py reads instead of importing
pypinyin (11.5 MiB in every process, and its converter for every name).

The file holds the readings once ("syllables") and, for each block of code points that have
a reading, the index of each one's reading as little-endian 16-bit numbers in base64, 65535
for a code point inside a block that has none: ~134 KB of arrays once loaded, not a dict of
42,000 entries.

    python scripts/pinyin_table.py           # write the file
    python scripts/pinyin_table.py --check   # exit 1 if the file is not what pypinyin gives

pypinyin is a development dependency (pip install -e '.[dev]'): Guanxi itself reads the file.
"""

import base64
import json
import os
import sys
from array import array
from pathlib import Path

# Without pypinyin's phrase dictionary (40 MiB, a second to load), which a character read
# alone does not need: core/names.py looks the phrases up itself (pinyin_phrases.json).
os.environ["PYPINYIN_NO_PHRASES"] = "true"

from pypinyin import lazy_pinyin
from pypinyin.constants import PINYIN_DICT

TARGET = Path(__file__).resolve().parent.parent / "src" / "guanxi" / "core" / "pinyin_table.json"

NO_READING = 0xFFFF
# A run of code points without a reading this long or shorter stays inside its block: ~450
# blocks of ~67,000 entries instead of 8,425 runs of 41,923.
LONGEST_GAP = 16


def readings() -> dict[int, str]:
    """Each code point of pypinyin's dictionary → what lazy_pinyin gives that character."""
    found = {}
    for code_point in sorted(PINYIN_DICT):
        (reading,) = lazy_pinyin(chr(code_point), errors="default")
        found[code_point] = reading
    return found


def _blocks(code_points: list[int]) -> list[tuple[int, int]]:
    """(first, last) of each block, a gap of up to LONGEST_GAP code points kept inside."""
    blocks = []
    first = last = code_points[0]
    for code_point in code_points[1:]:
        if code_point - last > LONGEST_GAP + 1:
            blocks.append((first, last))
            first = code_point
        last = code_point
    blocks.append((first, last))
    return blocks


def table() -> dict[str, object]:
    reading_of = readings()
    syllables = sorted(set(reading_of.values()))
    if len(syllables) >= NO_READING:
        raise SystemExit(f"{len(syllables)} readings do not fit in 16 bits")
    index_of = {syllable: index for index, syllable in enumerate(syllables)}
    blocks = []
    for first, last in _blocks(list(reading_of)):
        indices = array(
            "H",
            (
                index_of[reading_of[code_point]] if code_point in reading_of else NO_READING
                for code_point in range(first, last + 1)
            ),
        )
        if sys.byteorder == "big":
            indices.byteswap()
        blocks.append([first, base64.b64encode(indices.tobytes()).decode("ascii")])
    return {"syllables": syllables, "blocks": blocks}


def main() -> int:
    text = json.dumps(table(), ensure_ascii=False, indent=0) + "\n"
    if "--check" in sys.argv:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is stale: run python scripts/pinyin_table.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"{TARGET}: {len(text.encode()) // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

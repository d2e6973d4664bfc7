"""The keys of the rows already judged live on disk, not in the worker's memory (issue 16):
the first row of a key is kept, keys of any shape are told apart, and a chunk with more keys
than one statement takes is answered whole."""

import datetime as dt

from guanxi.imports.spreadsheets.seen import SeenRows


def test_the_first_row_of_a_key_is_kept():
    with SeenRows[tuple[str, str]]() as seen:
        assert seen.rows_of([("mobile", "+8613900139001")]) == {}
        seen.add([(("mobile", "+8613900139001"), 2), (("email", "a@example.cn"), 2)])
        seen.add([(("mobile", "+8613900139001"), 9)])
        assert seen.rows_of([("mobile", "+8613900139001"), ("mobile", "+8613900139002")]) == {
            ("mobile", "+8613900139001"): 2
        }


def test_keys_of_other_shapes_are_told_apart():
    moment = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)
    with SeenRows[tuple[int, dt.datetime | None, str]]() as seen:
        seen.add([((7, moment, "回访"), 3), ((7, None, "回访"), 4), ((8, moment, "回访"), 5)])
        found = seen.rows_of([(7, moment, "回访"), (7, None, "回访"), (7, moment, "回访 ")])
        assert found == {(7, moment, "回访"): 3, (7, None, "回访"): 4}


def test_a_chunk_with_thousands_of_keys_is_answered_whole():
    keys = [("mobile", f"+86139{n:08d}") for n in range(2500)]
    with SeenRows[tuple[str, str]]() as seen:
        seen.add((key, number) for number, key in enumerate(keys, start=2))
        found = seen.rows_of(keys)
    assert len(found) == 2500 and found[keys[-1]] == 2501

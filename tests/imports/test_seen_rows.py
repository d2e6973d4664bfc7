"""The keys of the rows already judged live on disk, not in the worker's memory (issue 16):
the first row of a key is kept, keys of any shape are told apart, and a chunk with more keys
than one statement takes is answered whole."""

import datetime as dt

import pytest

from guanxi.imports.spreadsheets import seen as seen_module
from guanxi.imports.spreadsheets.seen import SeenRows


@pytest.fixture(autouse=True, params=["memory", "disk"])
def where(request, monkeypatch):
    """Each test twice: keys held in memory, and keys spilled to disk from the first one."""
    if request.param == "disk":
        monkeypatch.setattr(seen_module, "SPILL", 0)
    return request.param


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


def test_keys_spill_to_disk_past_the_bound_and_are_still_found(monkeypatch):
    monkeypatch.setattr(seen_module, "SPILL", 3)
    with SeenRows[tuple[str, str]]() as seen:
        seen.add([(("mobile", str(n)), n) for n in range(3)])
        assert seen._db is None  # at the bound: still in memory
        seen.add([(("mobile", "3"), 3), (("mobile", "0"), 99)])
        assert seen._db is not None and seen._memory is None
        assert seen.rows_of([("mobile", "0"), ("mobile", "3"), ("mobile", "4")]) == {
            ("mobile", "0"): 0,
            ("mobile", "3"): 3,
        }


def test_a_chunk_with_thousands_of_keys_is_answered_whole():
    keys = [("mobile", f"+86139{n:08d}") for n in range(2500)]
    with SeenRows[tuple[str, str]]() as seen:
        seen.add((key, number) for number, key in enumerate(keys, start=2))
        found = seen.rows_of(keys)
    assert len(found) == 2500 and found[keys[-1]] == 2501

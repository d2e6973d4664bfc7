"""core.seed_command.counts_text: the counts by name on a seed command's summary line."""

from collections import Counter

from guanxi.core.seed_command import counts_text


def test_counts_text_names_in_order():
    assert counts_text(Counter({"signed": 3, "draft": 12})) == "draft 12, signed 3"


def test_counts_text_grouped_writes_thousands_with_commas():
    assert counts_text({"s1": 1234567, "s0": 5}, grouped=True) == "s0 5, s1 1,234,567"
    assert counts_text({"s1": 1234567}) == "s1 1234567"


def test_counts_text_of_nothing_is_empty():
    assert counts_text(Counter()) == ""

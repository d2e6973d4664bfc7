"""Date pickers show the stored date in every language.

Django writes a date widget's value in the active language's first input format; for
zh-Hans that is 2026/12/07, which `<input type="date">` cannot read: the picker is shown
empty and posted back empty (an amendment of a signed contract was refused for "lacking" the
signing date it had). conftest.py checks every page the tests fetch with
tests/html_checks.py; these tests hold the widgets and that check themselves."""

import ast
import datetime as dt
import zoneinfo
from pathlib import Path

import pytest
from django import forms
from django.utils import translation

from guanxi.core.forms import date_field, date_input, kept_moment, moment_input, moment_text
from tests.html_checks import date_pickers_misread

SRC = Path(__file__).resolve().parents[2] / "src" / "guanxi"
DAY = dt.date(2026, 12, 7)
MOMENT = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_kernel_widgets_write_iso_values_in_every_language(language):
    with translation.override(language):
        assert 'value="2026-12-07"' in date_input().render("d", DAY)
        assert 'value="2026-12-07T09:30"' in moment_input().render("m", MOMENT)
        field = date_field("Day")
        assert 'value="2026-12-07"' in field.widget.render("d", DAY)
        assert not date_pickers_misread(date_input().render("d", DAY))


def test_a_widget_without_a_format_writes_the_chinese_way_which_the_check_catches():
    """Why every date widget names its format: the default one is the language's."""
    with translation.override("zh-hans"):
        html = forms.DateInput(attrs={"type": "date"}).render("signed_on", DAY)
    assert 'value="2026/12/07"' in html
    assert date_pickers_misread(html) == ['signed_on: type="date" value="2026/12/07"']


@pytest.mark.parametrize(
    ("tag", "misread"),
    [
        ('<input type="date" name="a" value="2026-12-07">', False),
        ('<input type="date" name="a" value="">', False),
        ('<input type="date" name="a">', False),
        ('<input name="a" type="DATE" value="2026/12/07">', True),
        ('<input type="date" name="a" value="2026年12月7日">', True),
        ('<input type="date" name="a" value="12/07/2026">', True),
        ('<input type="datetime-local" name="a" value="2026-12-07T09:30">', False),
        ('<input type="datetime-local" name="a" value="2026-12-07 09:30:00">', False),
        ('<input type="datetime-local" name="a" value="2026/12/07 09:30">', True),
        ('<input type="month" name="a" value="2026-12">', False),
        ('<input type="month" name="a" value="2026/12">', True),
        ('<input type="text" name="a" value="2026/12/07">', False),
        # a form shows back what a test posted on purpose; a browser never sends it
        ('<input type="date" name="a" value="yesterday">', False),
    ],
)
def test_the_page_check_reads_values_as_a_browser_does(tag, misread):
    assert bool(date_pickers_misread(f"<form>{tag}</form>")) is misread


def _date_widget_calls_without_a_format() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            named = any(keyword.arg == "format" for keyword in node.keywords)
            if name in {"DateInput", "DateTimeInput"} and not named:
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_every_date_widget_names_its_format():
    assert _date_widget_calls_without_a_format() == []


def test_the_source_check_can_fail(tmp_path, monkeypatch):
    module = tmp_path / "forms.py"
    module.write_text('from django import forms\nW = forms.DateInput(attrs={"type": "date"})\n')
    monkeypatch.setattr(f"{__name__}.SRC", tmp_path)
    assert _date_widget_calls_without_a_format() == ["forms.py:2"]


def test_a_moment_is_shown_to_the_minute_in_local_time():
    assert moment_text(dt.datetime(2026, 12, 7, 1, 30, 15, tzinfo=dt.UTC)) == "2026-12-07T09:30"
    assert moment_text(None) == ""


def test_a_moment_posted_as_it_was_shown_keeps_its_seconds():
    stored = dt.datetime(2026, 12, 7, 1, 30, 15, 123456, tzinfo=dt.UTC)
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    as_shown = dt.datetime(2026, 12, 7, 9, 30, tzinfo=shanghai)
    assert kept_moment(as_shown, stored) is stored
    changed = dt.datetime(2026, 12, 7, 9, 31, tzinfo=shanghai)
    assert kept_moment(changed, stored) is changed
    assert kept_moment(None, stored) is None
    assert kept_moment(as_shown, None) is as_shown

"""The Chinese catalogue is complete (zh-hans is the default UI language): every string of
the sources is in it, translated, not fuzzy, with the same placeholders."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "guanxi"
CATALOGUE = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
ENGLISH = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def _key(entry) -> tuple:
    return (entry.msgctxt or "", entry.msgid)


def test_every_entry_is_translated_and_not_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert missing == [] and fuzzy == []


def test_the_english_catalogue_holds_no_fuzzy_guesses():
    """English is the sources' language: an empty entry shows the source text. A fuzzy entry
    is a guess `make messages` made from a similar string (often another sentence); it must be
    written out or emptied, so that the catalogue says what English shows."""
    catalogue = polib.pofile(str(ENGLISH))
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


@pytest.mark.parametrize("path", [CATALOGUE, ENGLISH], ids=["zh_Hans", "en"])
def test_placeholders_are_kept(path):
    catalogue = polib.pofile(str(path))
    wrong = []
    for entry in catalogue.translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            if sorted(PLACEHOLDER.findall(text)) != expected:
                wrong.append((entry.msgid, text))
    assert wrong == []


def test_the_catalogue_has_every_string_of_the_sources(tmp_path):
    """makemessages over a copy of the sources: nothing may be new (run `make messages`
    and translate what it adds)."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("xgettext (GNU gettext) is needed to check the catalogue in CI")
        pytest.skip("xgettext (GNU gettext) is not installed")
    copy = tmp_path / "guanxi"
    shutil.copytree(
        PACKAGE,
        copy,
        ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo", "node_modules"),
    )
    # the copy is the `guanxi` package of this run: its settings' LOCALE_PATHS point into it
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "guanxi.settings",
        "GUANXI_DATA_DIR": str(tmp_path / "data"),
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "-e",
            "html,txt,py,jinja",
            "-v0",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    committed = {_key(entry) for entry in polib.pofile(str(CATALOGUE)).translated_entries()}
    new = sorted(
        entry.msgid for entry in fresh if not entry.obsolete and _key(entry) not in committed
    )
    assert new == [], "run `make messages` and translate these"


def test_the_empty_choice_of_a_select_is_chinese():
    # Issue 12 §4: Django 6.1 has no zh_Hans text for its blank choice label.
    from django.db.models.utils import get_blank_choice_label
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(get_blank_choice_label()) == "— 请选择 —"
    with translation.override("en"):
        assert str(get_blank_choice_label()) == "- Select an option -"

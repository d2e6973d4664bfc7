"""Data that ships in two languages: a Chinese value and an optional English one; and the
language a text for one person is written in."""

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language, gettext_noop


def bilingual(zh: str, en: str) -> str:
    """The English value when the active language is English and one exists, else Chinese."""
    return en if en and (get_language() or "").startswith("en") else zh


def language_of(user: Any) -> str:
    """The language a text for `user` is written in: their own (User.language) when the site
    offers it, else the site's language (settings.LANGUAGE_CODE)."""
    language = str(getattr(user, "language", "") or "")
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def in_language_of(user: Any) -> translation.override:
    """`with in_language_of(recipient): title = _("…")` — a notice, a mail or anything else
    written for one person outside their request (a scheduled run, another user's action),
    in that person's language."""
    return translation.override(language_of(user))


# Django's label for the empty choice of a model field's select. Django 6.1's own zh_Hans
# catalogue has no translation for it; naming it here puts it into ours (LOCALE_PATHS wins).
BLANK_CHOICE_LABEL = gettext_noop("- Select an option -")

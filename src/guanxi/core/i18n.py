"""Data that ships in two languages: a Chinese value and an optional English one."""

from django.utils.translation import get_language, gettext_noop


def bilingual(zh: str, en: str) -> str:
    """The English value when the active language is English and one exists, else Chinese."""
    return en if en and (get_language() or "").startswith("en") else zh


# Django's label for the empty choice of a model field's select. Django 6.1's own zh_Hans
# catalogue has no translation for it; naming it here puts it into ours (LOCALE_PATHS wins).
BLANK_CHOICE_LABEL = gettext_noop("- Select an option -")

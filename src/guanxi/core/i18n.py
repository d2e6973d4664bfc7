"""Data that ships in two languages: a Chinese value and an optional English one."""

from django.utils.translation import get_language


def bilingual(zh: str, en: str) -> str:
    """The English value when the active language is English and one exists, else Chinese."""
    return en if en and (get_language() or "").startswith("en") else zh

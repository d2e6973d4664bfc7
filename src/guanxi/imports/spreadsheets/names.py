"""How a row names what it refers to (users, sources, products, tags): by any of their
names, compared folded (NFKC, no surrounding space, lower case), as people type them."""

import unicodedata
from collections.abc import Callable, Iterable, Mapping

from django.utils.translation import gettext

from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can, users_in_scope
from guanxi.imports.common.permissions import IMPORT_FOR_OTHERS
from guanxi.imports.spreadsheets.reading import Cell, cell_text


def name_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def by_names[T](items: Iterable[T], names: Callable[[T], Iterable[str]]) -> dict[str, T]:
    """Each item under every one of its (non-empty) names; the first item keeps a name
    that two share."""
    found: dict[str, T] = {}
    for item in items:
        for name in names(item):
            if name:
                found.setdefault(name_key(name), item)
    return found


def named[T](cell: Cell, items: Mapping[str, T], errors: list[str], unknown: str) -> T | None:
    """The item `cell` names among `items` (`by_names`); None when the cell is empty, or
    when it names none: then `unknown` (a msgid, marked with gettext_noop: it is translated
    only for a row that has the error, not for each of a million rows), with the name as
    %(name)s, is one of the errors."""
    text = cell_text(cell)
    if not text:
        return None
    found = items.get(name_key(text))
    if found is None:
        errors.append(gettext(unknown) % {"name": text})
    return found


def import_users(actor: User) -> dict[str, User]:
    """The users a row may name (by display name, full name or user name): the importer,
    and with `imports.for_others` every active user of their scope."""
    candidates = (
        users_in_scope(user=actor)
        if user_can(user=actor, permission=IMPORT_FOR_OTHERS)
        else [actor]
    )
    return by_names(
        candidates, lambda user: (user.display_name, user.get_full_name(), user.username)
    )

"""The Jinja2 environment of the hot pages' repeated fragments (issue 13).

Pages stay Django templates; the rows of a list, the cards of the board — the parts rendered
25 to 200 times a request — are Jinja2 templates in an app's `jinja2/` folder, included from
a Django template with `{% jinja "app/rows.jinja" items=page.items %}` (core_jinja). Jinja2
compiles a template to Python code and renders such a loop 3-5x faster than the Django
engine (docs/decisions.md, bench/README.md).

What the fragments may use: `_()` / `ngettext()` (Django's catalogue, the active language;
`make messages` extracts `_("…")` from `.jinja` files), `url(name, *args)`, and the filters
below. Autoescaping is on, as in Django templates; Django's safe strings stay unescaped.
"""

import datetime as dt
import functools
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.template import engines
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from jinja2 import Environment

from guanxi.core.http import id_url


def _url(name: str, *args: Any, **kwargs: Any) -> str:
    """`reverse`; a URL of one integer id (a row's link) through core.http.id_url."""
    if len(args) == 1 and not kwargs and type(args[0]) is int:
        return id_url(name, args[0])
    return reverse(name, args=args or None, kwargs=kwargs or None)


# Django date format characters that are plain numbers, and their strftime equivalents
_NUMERIC_FORMAT = {"Y": "%Y", "m": "%m", "d": "%d", "H": "%H", "i": "%M", "s": "%S"}


@functools.cache
def _as_strftime(format_string: str) -> str | None:
    """Y-m-d H:i as %Y-%m-%d %H:%M: a format of numbers only needs no translation, and
    Django's formatter costs ~40 µs a value. None for any other format."""
    if "%" in format_string or "\\" in format_string:
        return None
    if any(ch.isalpha() and ch not in _NUMERIC_FORMAT for ch in format_string):
        return None
    return "".join(_NUMERIC_FORMAT.get(ch, ch) for ch in format_string)


def _date(value: dt.date | dt.datetime | None, format_string: str = "DATE_FORMAT") -> str:
    """Django's `date` filter: an aware datetime in the active time zone, then formatted."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    pattern = _as_strftime(format_string)
    if pattern is not None:
        return value.strftime(pattern)
    return formats.date_format(value, format_string)


def _project_filters() -> dict[str, Any]:
    """The plain filters of Guanxi's Django template libraries (masked_phone, tag_colour …), so
    that one function serves both engines. Filters that need Django's autoescape flag or local
    time conversion are left out: the fragments use `date` below or a value made in Python."""
    engine = engines["django"].engine  # type: ignore[attr-defined]
    found: dict[str, Any] = {}
    for name, module in engine.libraries.items():
        if not module.startswith("guanxi."):
            continue
        for filter_name, function in engine.template_libraries[name].filters.items():
            if getattr(function, "needs_autoescape", False):
                continue
            if getattr(function, "expects_localtime", False):
                continue
            if found.setdefault(filter_name, function) is not function:
                raise ImproperlyConfigured(f"Two template filters are named {filter_name!r}.")
    return found


def environment(**options: Any) -> Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = Environment(**options)  # noqa: S701 - Django's backend passes autoescape=True
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(url=_url, static=static)
    for name, function in _project_filters().items():
        env.filters.setdefault(name, function)
    env.filters["date"] = _date
    return env

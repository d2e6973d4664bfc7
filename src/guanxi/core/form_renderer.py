"""The form renderer (settings.FORM_RENDERER): Django's, with the commonest widgets built in Python.

Django renders every widget through templates: a <select> is one template plus, per option,
an `{% include %}` of the option template and another of the attributes template. A filter bar
with a few selects costs ~100 includes, about a third of the customer list (issue 13). For the
stock input, select, option and textarea templates this renderer builds the same markup
directly — the same escaping, localisation and whitespace as the templates (tests compare
them byte for byte) — from the same context `Widget.get_context` made. A template overridden
by the project, and every other widget, still goes through the templates.
"""

from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData, SafeString, mark_safe

WIDGETS = "django/forms/widgets/"
_STOCK_DIR = Path(django.forms.__file__).resolve().parent / "templates"
_INPUT_TEMPLATES = {
    f"{WIDGETS}{name}.html"
    for name in (
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "checkbox",
        "search",
        "tel",
        "color",
        "input",
    )
}
_OPTION = f"{WIDGETS}select_option.html"
# What the built markup stands for: if the project overrides one of these, use the templates.
_USED = {f"{WIDGETS}attrs.html", f"{WIDGETS}input.html", _OPTION}


class _Text:
    """`{{ value }}` and `{{ value|stringformat:'s' }}` as the template engine renders them
    (autoescape on, localisation as the settings say)."""

    def __init__(self) -> None:
        self.context = Context(autoescape=True)

    def var(self, value: Any) -> str:
        return render_value_in_context(value, self.context)

    def s(self, value: Any) -> str:
        text = stringformat(value, "s")
        if isinstance(value, SafeData):
            text = mark_safe(text)  # noqa: S308 - stringformat is_safe: safe in, safe out
        return self.var(text)

    def attrs(self, attrs: Mapping[str, Any]) -> str:
        return "".join(
            f" {self.var(name)}" if value is True else f' {self.var(name)}="{self.s(value)}"'
            for name, value in attrs.items()
            if value is not False
        )


_TEXT = _Text()  # no state: render_value_in_context only reads its flags


def _input(text: _Text, widget: dict) -> str:
    value = widget["value"]
    shown = f' value="{text.s(value)}"' if value != None else ""  # noqa: E711 - as the template
    return (
        f'<input type="{text.var(widget["type"])}" name="{text.var(widget["name"])}"'
        f"{shown}{text.attrs(widget['attrs'])}>"
    )


def _textarea(text: _Text, widget: dict) -> str:
    value = text.var(widget["value"]) if widget["value"] else ""
    attrs = text.attrs(widget["attrs"])
    return f'<textarea name="{text.var(widget["name"])}"{attrs}>\n{value}</textarea>'


def _select(text: _Text, widget: dict) -> str | None:
    parts = [f'<select name="{text.var(widget["name"])}"{text.attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{text.var(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                return None
            parts.append(
                f'\n  <option value="{text.s(option["value"])}"{text.attrs(option["attrs"])}>'
                f"{text.var(option['label'])}</option>\n"  # the option template's last line
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_BUILDERS: dict[str, Callable[[_Text, dict], str | None]] = {
    **dict.fromkeys(_INPUT_TEMPLATES, _input),
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}textarea.html": _textarea,
}


class FastWidgetRenderer(DjangoTemplates):
    """DjangoTemplates, with the stock input, select and textarea widgets built in Python."""

    def render(self, template_name: str, context: dict, request: Any = None) -> str:
        build = _BUILDERS.get(template_name)
        if build is not None and self._stock(template_name):
            html = build(_TEXT, context["widget"])
            if html is not None:
                return SafeString(html)
        return super().render(template_name, context, request)

    def _stock(self, template_name: str) -> bool:
        return _all_stock(self, template_name)


@cache
def _all_stock(renderer: DjangoTemplates, template_name: str) -> bool:
    """Whether `template_name` and the templates it includes are Django's own files here."""
    for name in {template_name, *_USED}:
        origin = renderer.get_template(name).origin.name
        if not Path(origin).resolve().is_relative_to(_STOCK_DIR):
            return False
    return True

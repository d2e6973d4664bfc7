"""The template language of customer messages: `{{ customer.surname }}` and nothing more.

Django's template engine would let a template reach whatever the context holds (attribute
walks, methods, `settings` through a context processor). A message template is written by
marketing users and read by customers, so it gets its own language: a name in double
braces from a fixed list (VARIABLES), substituted from a dict of plain strings. There are no
tags, filters, attributes beyond the listed ones or calls; anything else is refused when the
template is saved, and a name that is not in the dict renders as nothing."""

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The names a template may use, with what they are (shown on the editing page).
VARIABLES = {
    "customer.name": gettext_lazy("the customer's full name"),
    "customer.surname": gettext_lazy("the customer's surname (张 of 张三)"),
    "customer.title": gettext_lazy("先生 or 女士 by the customer's gender (blank if unknown)"),
    "customer.owner_name": gettext_lazy("the name of the customer's consultant"),
    "sender.name": gettext_lazy("the sender's name"),
    "sender.phone": gettext_lazy("the sender's phone"),
}

_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_NAME = re.compile(r"^\s*([a-z_]+(?:\.[a-z_]+)*)\s*$")
# Compound surnames (复姓) a name starts with; a single character otherwise.
_COMPOUND_SURNAMES = [
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "令狐",
    "夏侯",
    "轩辕",
    "端木",
    "独孤",
    "南宫",
    "万俟",
    "闻人",
    "申屠",
    "澹台",
    "公冶",
    "呼延",
    "赫连",
    "百里",
    "东郭",
    "西门",
    "钟离",
]


def template_problems(text: str) -> list[str]:
    """Why `text` is not a valid template (empty: it is). Every `{{ … }}` must name one of
    VARIABLES; `{%`, `{#`, a lone `{{` or `}}` are refused too."""
    problems: list[str] = []
    for token in ("{%", "%}", "{#", "#}"):
        if token in text:
            problems.append(
                _("“%(token)s” is not allowed: templates have variables only.") % {"token": token}
            )
    rest = _PLACEHOLDER.sub("", text)
    if "{{" in rest or "}}" in rest:
        problems.append(_("A “{{” without its “}}” (or the other way round)."))
    for match in _PLACEHOLDER.finditer(text):
        inner = match.group(1)
        name_match = _NAME.match(inner)
        name = name_match.group(1) if name_match else inner.strip()
        if name not in VARIABLES:
            problems.append(
                _("“{{ %(name)s }}” is not available; use one of: %(allowed)s.")
                % {"name": name[:40], "allowed": ", ".join(VARIABLES)}
            )
    return list(dict.fromkeys(problems))


def template_render(text: str, values: Mapping[str, str]) -> str:
    """`text` with each `{{ name }}` replaced by `values[name]`; a name that is not one of
    VARIABLES, or has no value, renders as nothing. Values are inserted as they are, never
    read as template text themselves."""

    def substitute(match: re.Match[str]) -> str:
        name_match = _NAME.match(match.group(1))
        if name_match is None or name_match.group(1) not in VARIABLES:
            return ""
        return str(values.get(name_match.group(1), ""))

    return _PLACEHOLDER.sub(substitute, text)


def surname_of(name: str) -> str:
    name = (name or "").strip()
    if not name:
        return ""
    if not ("\u4e00" <= name[0] <= "\u9fff"):
        # a Latin-script name: the last word is the family name
        return name.split()[-1]
    for surname in _COMPOUND_SURNAMES:
        if name.startswith(surname) and len(name) > len(surname):
            return surname
    return name[0]


def template_values(*, customer: Any, sender: Any | None) -> dict[str, str]:
    """The whitelisted fields of the customer and the sender as plain strings, the only
    thing a template sees."""
    owner = getattr(customer, "owner", None) if customer.owner_id else None
    title = {"M": "先生", "F": "女士"}.get(customer.gender or "", "")
    values = {
        "customer.name": customer.name,
        "customer.surname": surname_of(customer.name) if customer.kind == "person" else "",
        "customer.title": title,
        "customer.owner_name": (owner.display_name or owner.username) if owner else "",
        "sender.name": "",
        "sender.phone": "",
    }
    who = sender or owner
    if who is not None:
        values["sender.name"] = who.display_name or who.username
        values["sender.phone"] = who.mobile or ""
    return values

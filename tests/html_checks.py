"""What a browser makes of a page: checks that conftest.py runs on every page a test fetches.

Inline code. The Content-Security-Policy allows scripts only from this site's files (issue 11
§4), so a browser runs no inline script, no on…= handler, no javascript: URL, no hx-on (htmx
evaluates those) and applies no <style> element: a button that relies on one does nothing
(a delete without its confirmation, a filter that never submits).

Date pickers. `<input type="date">`, `type="datetime-local"` and `type="month"` take a value
only in the ISO form (2026-12-07, 2026-12-07T09:30, 2026-12). A date written any other way
(2026/12/07, Django's first zh-Hans input format) is shown as an empty picker and posted back empty,
so a form saved unchanged loses the date or is refused for lacking it. Django's test client
does not see this: it posts what the test gives, and Django parses 2026/12/07 gladly."""

import re
from html.parser import HTMLParser

ISO_VALUES = {
    "date": re.compile(r"\d{4,}-\d{2}-\d{2}"),
    "datetime-local": re.compile(r"\d{4,}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"),
    "month": re.compile(r"\d{4,}-\d{2}"),
}
# A real date or month written another way, as opposed to a test's deliberately bad text
# ("yesterday", "2026-13-45") that a bound form shows back as it was posted.
_DATE_WRITTEN_OTHERWISE = re.compile(r"\d{1,4}\s*[/.年月日]\s*\d{1,2}")


class _DatePickers(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.misread: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "input":
            return
        values = dict(attrs)
        iso = ISO_VALUES.get((values.get("type") or "").lower())
        value = values.get("value") or ""
        if iso is None or not value or iso.fullmatch(value):
            return
        if _DATE_WRITTEN_OTHERWISE.search(value):
            self.misread.append(
                f'{values.get("name")}: type="{values.get("type")}" value="{value}"'
            )


class _InlineCode(HTMLParser):
    """Collects what a strict script-src / style-src-elem would refuse."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            kind = (attributes.get("type") or "").lower()
            data_only = kind in ("application/json", "application/ld+json")
            if not attributes.get("src") and not data_only:
                self.found.append(f"inline <script> {self.getpos()}")
        if tag == "style":
            self.found.append(f"<style> element {self.getpos()}")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"{name}= on <{tag}> {self.getpos()}")
            if name.startswith(("x-", "@")):
                self.found.append(f"{name}= (Alpine needs eval) on <{tag}> {self.getpos()}")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name} on <{tag}> {self.getpos()}")


def inline_code(html: str) -> list[str]:
    """What the page's Content-Security-Policy stops a browser from running or applying."""
    parser = _InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def date_pickers_misread(html: str) -> list[str]:
    """The date pickers of `html` whose value a browser cannot read, as `name: type value`."""
    parser = _DatePickers()
    parser.feed(html)
    parser.close()
    return parser.misread

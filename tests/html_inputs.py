"""What a browser makes of a page's date pickers.

`<input type="date">`, `type="datetime-local"` and `type="month"` take a value only in the ISO
form (2026-12-07, 2026-12-07T09:30, 2026-12). A date written any other way (2026/12/07, the
first input format of Django's zh-Hans) is shown as an empty picker and posted back empty,
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


def date_pickers_misread(html: str) -> list[str]:
    """The date pickers of `html` whose value a browser cannot read, as `name: type value`."""
    parser = _DatePickers()
    parser.feed(html)
    parser.close()
    return parser.misread

"""What a browser submits from a page's form, and whether it lets the form be submitted at all.

Django's test client posts the dict a test writes; a browser posts what the page shows, read
the way the HTML standard reads it. The two differ where a page is wrong in a way no test
that writes its own dict can see: a date picker whose value is not ISO is shown empty and
posted empty, a number written with a comma is posted empty, an unticked box is not posted,
a select whose stored value is not among its options posts its first option, a `required`
field left empty or a `pattern` the stored value does not match stops the submission.

`read_form(html, ...)` follows the standard's "constructing the entry list" and "static
validation of the constraints" for the form a user opens and submits unchanged (Chromium's
behaviour): the values of the controls as the parser and each input type's value
sanitization leave them, the checked boxes, the selected options, no disabled control, the
button pressed. `maxlength` and `minlength` are left out: a browser checks them only on what
the user typed. What JavaScript would change (htmx's own serialization aside) is not seen.
"""

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "keygen",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
# Read as text up to their end tag: markup inside is text (the parser's RCDATA state).
RCDATA = {"textarea", "title"}
LISTED = {"button", "fieldset", "input", "object", "output", "select", "textarea"}
# The input types a `readonly` attribute applies to (and bars from constraint validation).
READONLY_TYPES = {
    "text",
    "search",
    "url",
    "tel",
    "email",
    "password",
    "date",
    "month",
    "week",
    "time",
    "datetime-local",
    "number",
}
TEXT_TYPES = {"text", "search", "url", "tel", "email", "password"}
DATE_TYPES = {"date", "month", "week", "time", "datetime-local"}
KNOWN_TYPES = (
    TEXT_TYPES
    | DATE_TYPES
    | {
        "hidden",
        "number",
        "range",
        "color",
        "checkbox",
        "radio",
        "file",
        "submit",
        "image",
        "reset",
        "button",
    }
)
ASCII_WHITESPACE = "\t\n\f\r "

# The standard's "valid e-mail address" (what every browser checks a type="email" value with).
EMAIL = re.compile(
    r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*"
)
FLOAT = re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?")
DATE = re.compile(r"(\d{4,})-(\d{2})-(\d{2})")
MONTH = re.compile(r"(\d{4,})-(\d{2})")
WEEK = re.compile(r"(\d{4,})-W(\d{2})")
TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?")
MOMENT = re.compile(rf"{DATE.pattern}[T ]{TIME.pattern}")


class Element:
    """A node of the little tree the reader builds: enough of the DOM for forms."""

    def __init__(self, tag: str, attrs: dict[str, str], parent: "Element | None") -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element | str] = []
        self.form_owner: Element | None = None
        self.in_template = False

    def has(self, name: str) -> bool:
        return name in self.attrs

    def get(self, name: str, default: str = "") -> str:
        return self.attrs.get(name, default)

    def text(self) -> str:
        """The text of the element and its descendants (scripts' text left out)."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in {"script", "style"}:
                parts.append(child.text())
        return "".join(parts)

    def ancestors(self) -> Iterator["Element"]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def descendants(self) -> Iterator["Element"]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.descendants()

    def describe(self) -> str:
        kind = f" {self.get('type')}" if self.tag == "input" and self.has("type") else ""
        return f"{self.get('name') or '(no name)'} <{self.tag}{kind}>"

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"


class _TreeBuilder(HTMLParser):
    """A tree of the page as a browser's parser builds it, as far as forms care: void
    elements, a form's controls owned by the open form (or the form their `form` attribute
    names), no form inside a form, options closed by the next option, a textarea's markup
    read as its text, nothing inside <template> submitted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.stack: list[Element] = [self.root]
        self.form_pointer: Element | None = None
        self.forms: list[Element] = []
        self.listed: list[Element] = []
        self.by_id: dict[str, Element] = {}
        self.rcdata: Element | None = None
        self.first_text_of_textarea = False

    @property
    def current(self) -> Element:
        return self.stack[-1]

    def _in_template(self) -> bool:
        return any(node.tag == "template" for node in self.stack)

    def _pop_until(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def _open(self, tag: str) -> bool:
        return any(node.tag == tag for node in self.stack[1:])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.rcdata is not None:
            self._text(self.get_starttag_text() or "")
            return
        values: dict[str, str] = {}
        for name, value in attrs:
            values.setdefault(name, "" if value is None else value)  # the first one counts
        if tag == "form" and self.form_pointer is not None and not self._in_template():
            return  # a form inside a form: the parser ignores the tag
        if tag in {"option", "optgroup"} and self.current.tag == "option":
            self.stack.pop()
        if tag == "optgroup" and self.current.tag == "optgroup":
            self.stack.pop()
        if tag in {"select", "input", "textarea"} and self._open("select"):
            self._pop_until("select")  # the parser closes the select first
            if tag == "select":
                return
        element = Element(tag, values, self.current)
        element.in_template = self._in_template()
        self.current.children.append(element)
        if "id" in values:
            self.by_id.setdefault(values["id"], element)
        if tag == "form" and not element.in_template:
            self.form_pointer = element
            self.forms.append(element)
        if tag in LISTED:
            self.listed.append(element)
            if "form" not in values and not element.in_template:
                element.form_owner = self.form_pointer
        if tag in VOID:
            return
        self.stack.append(element)
        if tag in RCDATA:
            self.rcdata = element
            self.first_text_of_textarea = tag == "textarea"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # `<div/>` opens a div in HTML; only void elements are complete
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.rcdata is not None:
            if tag != self.rcdata.tag:
                self._text(f"</{tag}>")
                return
            self.rcdata = None
        if tag == "form" and not self._in_template():
            form, self.form_pointer = self.form_pointer, None
            if form is not None and form in self.stack:
                del self.stack[self.stack.index(form) :]
            return
        if self._open(tag):
            self._pop_until(tag)

    def handle_data(self, data: str) -> None:
        self._text(data)

    def _text(self, data: str) -> None:
        if self.first_text_of_textarea:
            self.first_text_of_textarea = False
            # the parser drops a newline right after <textarea>
            if data.startswith("\n"):
                data = data[1:]
        if data:
            self.current.children.append(data)


def parse(html: str) -> _TreeBuilder:
    # the input stream's preprocessing: every CR LF pair and lone CR becomes LF
    builder = _TreeBuilder()
    builder.feed(html.replace("\r\n", "\n").replace("\r", "\n"))
    builder.close()
    for element in builder.listed:
        if "form" in element.attrs and not element.in_template:
            owner = builder.by_id.get(element.attrs["form"])
            element.form_owner = owner if owner is not None and owner.tag == "form" else None
    return builder


# ------------------------------------------------------------------------- the controls


def input_type(element: Element) -> str:
    kind = element.get("type", "text").strip().lower()
    return kind if kind in KNOWN_TYPES else "text"


def is_disabled(element: Element) -> bool:
    """Its own `disabled`, or a disabled fieldset around it (not within that fieldset's first
    legend)."""
    if element.has("disabled"):
        return True
    child = element
    for ancestor in element.ancestors():
        if ancestor.tag == "fieldset" and ancestor.has("disabled"):
            legend = next(
                (c for c in ancestor.children if isinstance(c, Element) and c.tag == "legend"),
                None,
            )
            if legend is None or child is not legend:
                return True
        child = ancestor
    return False


def is_submit_button(element: Element) -> bool:
    if element.tag == "button":
        return element.get("type", "submit").strip().lower() not in {"button", "reset"}
    return element.tag == "input" and input_type(element) in {"submit", "image"}


def strip_newlines(value: str) -> str:
    return value.replace("\n", "").replace("\r", "")


def _date(text: str) -> dt.date | None:
    match = DATE.fullmatch(text)
    if not match:
        return None
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return day


def _time(text: str) -> int | None:
    """Milliseconds since midnight."""
    match = TIME.fullmatch(text)
    if not match:
        return None
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    millis = int((match[4] or "0").ljust(3, "0"))
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def _shortest_time(millis: int) -> str:
    seconds, fraction = divmod(millis, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{hours:02d}:{minutes:02d}"
    if seconds or fraction:
        text += f":{seconds:02d}"
    if fraction:
        text += f".{fraction:03d}".rstrip("0")
    return text


EPOCH = dt.date(1970, 1, 1).toordinal()
DAY_MS = 86_400_000


def as_number(kind: str, text: str) -> Decimal | None:
    """The standard's "convert a string to a number" for the input types with min, max and
    step, from the Unix epoch: a number, days (date), months (month), milliseconds (week,
    time, datetime-local); None when the text is not a valid value of the type."""
    if kind in {"number", "range"}:
        if not FLOAT.fullmatch(text):
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    if kind == "date":
        day = _date(text)
        return None if day is None else Decimal(day.toordinal() - EPOCH)
    if kind == "month":
        match = MONTH.fullmatch(text)
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) == 0:
            return None
        return Decimal((int(match[1]) - 1970) * 12 + int(match[2]) - 1)
    if kind == "week":
        match = WEEK.fullmatch(text)
        if not match:
            return None
        try:
            monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            return None
        return Decimal((monday.toordinal() - EPOCH) * DAY_MS)
    if kind == "time":
        millis = _time(text)
        return None if millis is None else Decimal(millis)
    if kind == "datetime-local":
        date_part, _separator, time_part = text.replace(" ", "T", 1).partition("T")
        day, millis = _date(date_part), _time(time_part)
        if day is None or millis is None:
            return None
        return Decimal((day.toordinal() - EPOCH) * DAY_MS + millis)
    return None


# (default step, step scale factor, default step base) of the standard, in as_number's units
STEPS: dict[str, tuple[Decimal, Decimal, Decimal]] = {
    "number": (Decimal(1), Decimal(1), Decimal(0)),
    "range": (Decimal(1), Decimal(1), Decimal(0)),
    "date": (Decimal(1), Decimal(1), Decimal(0)),
    "month": (Decimal(1), Decimal(1), Decimal(0)),
    "week": (Decimal(1), Decimal(604_800_000), Decimal(-259_200_000)),
    "time": (Decimal(60), Decimal(1000), Decimal(0)),
    "datetime-local": (Decimal(60), Decimal(1000), Decimal(0)),
}


def sanitized_value(element: Element) -> str:
    """An input's value as the browser holds it: the `value` attribute through the type's
    value sanitization algorithm."""
    kind = input_type(element)
    value = element.get("value")
    if kind in {"checkbox", "radio"}:
        return element.get("value", "on")
    if kind in {"text", "search", "tel", "password"}:
        return strip_newlines(value)
    if kind == "url":
        return strip_newlines(value).strip(ASCII_WHITESPACE)
    if kind == "email":
        value = strip_newlines(value)
        if element.has("multiple"):
            return ",".join(part.strip(ASCII_WHITESPACE) for part in value.split(","))
        return value.strip(ASCII_WHITESPACE)
    if kind == "number":
        return value if as_number(kind, value) is not None else ""
    if kind == "range":
        low = as_number(kind, element.get("min")) or Decimal(0)
        high = as_number(kind, element.get("max"))
        high = Decimal(100) if high is None else high
        number = as_number(kind, value)
        if number is None:
            number = low if high < low else low + (high - low) / 2
        return str(max(low, min(high, number)))
    if kind == "color":
        return value.lower() if re.fullmatch(r"#[0-9a-fA-F]{6}", value) else "#000000"
    if kind == "datetime-local":
        number = as_number(kind, value)
        if number is None:
            return ""
        day, millis = divmod(int(number), DAY_MS)
        return f"{dt.date.fromordinal(day + EPOCH).isoformat()}T{_shortest_time(millis)}"
    if kind in DATE_TYPES:
        return value if as_number(kind, value) is not None else ""
    return value  # hidden (as written), file, buttons


def select_options(select: Element) -> list[Element]:
    """The select's list of options: its option children and those of its optgroups."""
    options: list[Element] = []
    for child in select.children:
        if not isinstance(child, Element):
            continue
        if child.tag == "option":
            options.append(child)
        elif child.tag == "optgroup":
            options.extend(
                c for c in child.children if isinstance(c, Element) and c.tag == "option"
            )
    return options


def option_disabled(option: Element) -> bool:
    parent = option.parent
    return option.has("disabled") or (
        parent is not None and parent.tag == "optgroup" and parent.has("disabled")
    )


def option_value(option: Element) -> str:
    if option.has("value"):
        return option.get("value")
    return " ".join(option.text().split())


def is_single(select: Element) -> bool:
    """A drop-down (display size 1, not multiple): it always has an option selected."""
    if select.has("multiple"):
        return False
    size = select.get("size").strip()
    return not (size.isdigit() and int(size) > 1)


def selected_options(select: Element) -> list[Element]:
    options = select_options(select)
    chosen = [option for option in options if option.has("selected")]
    if select.has("multiple"):
        return chosen
    if chosen:
        return chosen[-1:]  # in a single select, the last `selected` option wins
    if is_single(select):
        return next(([o] for o in options if not option_disabled(o)), [])
    return []


def textarea_value(textarea: Element) -> str:
    return textarea.text()


# ------------------------------------------------------------------------- the form


@dataclass
class BrowserForm:
    """What submitting the form sends, and what stops it being sent."""

    element: Element
    method: str
    action: str
    enctype: str
    validates: bool
    via_htmx: bool
    controls: list[Element] = field(default_factory=list)
    button: Element | None = None
    entries: list[tuple[str, str]] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # what htmx sends with its request: HX-Request and the hx-headers the form inherits
    headers: dict[str, str] = field(default_factory=dict)

    def read(self) -> None:
        """The entry list and the constraint failures of the controls as they are now."""
        self.entries, self.invalid, self.files = [], [], []
        for control in self.controls:
            _add_entries(self, control, button=self.button, controls=self.controls)
            self.invalid.extend(_constraint_failures(control, self.controls))
        if not self.via_htmx or self.enctype == "multipart/form-data":
            # the form's encoding writes every line break as CR LF; htmx's own urlencoded
            # body sends the controls' values as they are
            self.entries = [(_crlf(name), _crlf(value)) for name, value in self.entries]

    @property
    def blocked(self) -> list[str]:
        """The constraint failures that keep the browser from submitting (none when the
        form or its button says novalidate)."""
        return self.invalid if self.validates else []

    def data(self) -> dict[str, list[str]]:
        """The entries for Django's test client (a name given twice posts both values)."""
        posted: dict[str, list[str]] = {}
        for name, value in self.entries:
            posted.setdefault(name, []).append(value)
        return posted

    def values(self, name: str) -> list[str]:
        return [value for entry, value in self.entries if entry == name]

    def value(self, name: str) -> str | None:
        found = self.values(name)
        if len(found) > 1:
            raise AssertionError(f"{name} is posted {len(found)} times: {found}")
        return found[0] if found else None

    def type(self, name: str, value: str) -> None:
        """What a user types into the field `name` (or picks: the option, radio or box of
        that value), then the form read again, constraints included."""
        fields = [
            c
            for c in self.controls
            if c.get("name") == name and not is_submit_button(c) and c.tag != "button"
        ]
        if not fields:
            raise AssertionError(f"the form has no field {name!r}")
        first = fields[0]
        kind = input_type(first) if first.tag == "input" else first.tag
        if kind in {"checkbox", "radio"}:
            for box in fields:
                box.attrs.pop("checked", None)
                if box.get("value", "on") == value:
                    box.attrs["checked"] = ""
        elif len(fields) > 1:
            raise AssertionError(f"{len(fields)} fields are named {name!r}")
        elif kind == "select":
            options = select_options(first)
            if not any(option_value(o) == value for o in options):
                raise AssertionError(f"{name} has no option {value!r}")
            for option in options:
                option.attrs.pop("selected", None)
                if option_value(option) == value:
                    option.attrs["selected"] = ""
        elif kind == "textarea":
            first.children = [value]
        else:
            first.attrs["value"] = value
        self.read()


HTMX_VERBS = ("hx-post", "hx-put", "hx-patch", "hx-delete", "hx-get")


def _selector_matches(element: Element, selector: str) -> bool:
    """One compound selector, enough to name a form: tag, #id, .class, [attr], [attr=v],
    [attr^=v], [attr$=v], [attr*=v], [attr~=v] (values quoted or not)."""
    pattern = re.compile(
        r"""(?P<tag>^[a-zA-Z][\w-]*)|\#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)|"""
        r"""\[(?P<attr>[\w:-]+)(?:(?P<op>[\^$*~]?=)(?P<q>["']?)(?P<val>.*?)(?P=q))?\]"""
    )
    position = 0
    selector = selector.strip()
    while position < len(selector):
        match = pattern.match(selector, position)
        if not match:
            raise ValueError(f"cannot read the selector {selector!r} at {position}")
        position = match.end()
        if match["tag"] and element.tag != match["tag"].lower():
            return False
        if match["id"] and element.get("id") != match["id"]:
            return False
        if match["cls"] and match["cls"] not in element.get("class").split():
            return False
        if match["attr"]:
            name = match["attr"].lower()
            if not element.has(name):
                return False
            have, want, op = element.get(name), match["val"], match["op"]
            ok = {
                None: True,
                "=": have == want,
                "^=": bool(want) and have.startswith(want),
                "$=": bool(want) and have.endswith(want),
                "*=": bool(want) and want in have,
                "~=": want in have.split(),
            }[op]
            if not ok:
                return False
    return True


def describe_forms(html: str) -> list[str]:
    """Every form of the page, as `id method action` (to find the one a test wants)."""
    return [_describe(form) for form in parse(html).forms]


def _describe(form: Element) -> str:
    htmx = next((f"{verb}={form.get(verb)}" for verb in HTMX_VERBS if form.has(verb)), "")
    return (
        f"#{form.get('id')} method={form.get('method') or 'get'}"
        f" action={form.get('action')!r} {htmx}".strip()
    )


def find_form(
    builder: _TreeBuilder,
    *,
    form_id: str | None = None,
    action: str | None = None,
    selector: str | None = None,
    holding: tuple[str, str] | None = None,
) -> Element:
    """The one form the arguments name (`holding`: a control's name and value, for a page
    of forms that differ in a hidden field); without any, the page's one form, or else the
    one form that posts to the page itself (no action, or an empty one)."""
    candidates = builder.forms
    if holding is not None:
        name, value = holding
        candidates = [
            form
            for form in candidates
            if any(
                c.form_owner is form and c.get("name") == name and c.get("value") == value
                for c in builder.listed
            )
        ]
    if form_id is not None:
        candidates = [form for form in candidates if form.get("id") == form_id]
    if action is not None:
        candidates = [
            form
            for form in candidates
            if action in {form.get("action"), *(form.get(verb) for verb in HTMX_VERBS)}
        ]
    if selector is not None:
        candidates = [form for form in candidates if _selector_matches(form, selector)]
    named = (form_id, action, selector, holding)
    if all(given is None for given in named) and len(candidates) > 1:
        candidates = [
            form
            for form in candidates
            if form.get("method").lower() == "post" and not form.get("action").strip()
        ]
    if len(candidates) != 1:
        listed = "; ".join(_describe(form) for form in builder.forms) or "none"
        raise AssertionError(
            f"{len(candidates)} forms match (id={form_id}, action={action},"
            f" selector={selector}, holding={holding}); the page's forms: {listed}"
        )
    return candidates[0]


def read_form(
    html: str,
    *,
    form_id: str | None = None,
    action: str | None = None,
    selector: str | None = None,
    holding: tuple[str, str] | None = None,
    submitter: str | None = None,
    url: str = "",
) -> BrowserForm:
    """The form of `html` that the arguments name (see find_form), submitted unchanged by
    its default button, or by the submit button whose name, value or text is `submitter`.
    `url` is the page's address, against which the form's action is resolved."""
    builder = parse(html)
    form = find_form(builder, form_id=form_id, action=action, selector=selector, holding=holding)
    controls = [
        element
        for element in builder.listed
        if element.form_owner is form and not element.in_template
    ]
    button = _submitter(controls, submitter)

    def override(name: str) -> str | None:
        if button is not None and button.has(name):
            return button.get(name)
        return None

    htmx_verb = next((verb for verb in HTMX_VERBS if form.has(verb)), None)
    if htmx_verb is not None:
        method = htmx_verb.removeprefix("hx-")
        target = form.get(htmx_verb)
        enctype = (
            "multipart/form-data"
            if form.get("hx-encoding").lower() == "multipart/form-data"
            else "application/x-www-form-urlencoded"
        )
    else:
        method = (override("formmethod") or form.get("method") or "get").strip().lower()
        method = method if method in {"get", "post", "dialog"} else "get"
        target = override("formaction") or form.get("action")
        enctype = (override("formenctype") or form.get("enctype")).strip().lower()
        if enctype not in {"multipart/form-data", "text/plain"}:
            enctype = "application/x-www-form-urlencoded"
    result = BrowserForm(
        element=form,
        method=method,
        action=urljoin(url, target.strip()) if url else target.strip(),
        enctype=enctype,
        validates=not form.has("novalidate") and override("formnovalidate") is None,
        via_htmx=htmx_verb is not None,
        controls=controls,
        button=button,
    )
    if result.via_htmx:
        result.headers = {"HX-Request": "true", **_htmx_headers(form)}
    result.read()
    return result


def _htmx_headers(form: Element) -> dict[str, str]:
    """The hx-headers of the form and its ancestors, the nearest winning (htmx merges them)."""
    headers: dict[str, str] = {}
    for element in [*reversed(list(form.ancestors())), form]:
        if element.get("hx-headers").strip():
            headers.update(json.loads(element.get("hx-headers")))
    return headers


def _crlf(text: str) -> str:
    return re.sub(r"\r\n|\r|\n", "\r\n", text)


def _submitter(controls: list[Element], wanted: str | None) -> Element | None:
    buttons = [control for control in controls if is_submit_button(control)]
    if wanted is None:
        return buttons[0] if buttons else None
    for button in buttons:
        label = " ".join(button.text().split())
        if wanted in {button.get("name"), button.get("value"), label}:
            if is_disabled(button):
                raise AssertionError(f"the button {wanted!r} is disabled")
            return button
    raise AssertionError(
        f"no submit button {wanted!r}; the form has {[b.describe() for b in buttons]}"
    )


def _add_entries(
    result: BrowserForm, control: Element, *, button: Element | None, controls: list[Element]
) -> None:
    """The standard's "constructing the entry list", for one control."""
    if is_disabled(control) or any(a.tag == "datalist" for a in control.ancestors()):
        return
    name = control.get("name")
    if control.tag == "input":
        kind = input_type(control)
    elif control.tag == "button":
        kind = "submit" if is_submit_button(control) else "button"
    else:
        kind = control.tag
    if kind == "image":
        if control is button:
            prefix = f"{name}." if name else ""
            result.entries += [(f"{prefix}x", "0"), (f"{prefix}y", "0")]
        return
    if not name or kind in {"fieldset", "object", "output", "reset", "button"}:
        return  # a <button type=button|reset> is a "button" too: never submitted
    if is_submit_button(control):
        if control is button:
            result.entries.append((name, control.get("value")))
        return
    if kind == "select":
        for option in selected_options(control):
            if not option_disabled(option):
                result.entries.append((name, option_value(option)))
        return
    if kind == "textarea":
        result.entries.append((name, textarea_value(control)))
        if control.get("dirname"):
            result.entries.append((control.get("dirname"), "ltr"))
        return
    if kind == "checkbox" and not control.has("checked"):
        return
    if kind == "radio" and not _radio_checked(control, controls):
        return
    if kind == "file":
        result.files.append(name)  # an empty file part, which Django does not keep
        return
    if kind == "hidden" and name.lower() == "_charset_":
        result.entries.append((name, "UTF-8"))
        return
    result.entries.append((name, sanitized_value(control)))
    if kind in {"text", "search"} and control.get("dirname"):
        result.entries.append((control.get("dirname"), "ltr"))


def _radio_group(control: Element, controls: list[Element]) -> list[Element]:
    return [
        other
        for other in controls
        if other.tag == "input"
        and input_type(other) == "radio"
        and other.get("name") == control.get("name")
    ]


def _radio_checked(control: Element, controls: list[Element]) -> bool:
    """Of a group's radios marked checked, the last one is checked (checking one unchecks
    the others)."""
    checked = [radio for radio in _radio_group(control, controls) if radio.has("checked")]
    return bool(checked) and checked[-1] is control


def _barred(control: Element) -> bool:
    """Controls the browser does not validate."""
    if is_disabled(control) or any(a.tag == "datalist" for a in control.ancestors()):
        return True
    if control.tag in {"button", "fieldset", "object", "output"}:
        return True
    if control.tag == "textarea":
        return control.has("readonly")
    if control.tag == "input":
        kind = input_type(control)
        if kind in {"hidden", "reset", "button", "submit", "image"}:
            return True
        return kind in READONLY_TYPES and control.has("readonly")
    return False


def _constraint_failures(control: Element, controls: list[Element]) -> list[str]:
    """The standard's validity states of one control as the page leaves it (tooLong and
    tooShort only follow the user's typing; customError only scripts)."""
    if _barred(control):
        return []
    what = control.describe()
    required = control.has("required")
    if control.tag == "textarea":
        return [f"{what}: required and empty"] if required and not textarea_value(control) else []
    if control.tag == "select":
        return _select_failures(control, what) if required else []
    kind = input_type(control)
    if kind == "checkbox":
        return (
            [f"{what}: required and not ticked"] if required and not control.has("checked") else []
        )
    if kind == "radio":
        group = _radio_group(control, controls)
        if control is not group[0]:
            return []  # the group is reported once
        if any(r.has("required") for r in group) and not any(r.has("checked") for r in group):
            return [f"{what}: required and no choice checked"]
        return []
    if kind == "file":
        return [f"{what}: required and no file chosen"] if required else []
    value = sanitized_value(control)
    if kind == "range" or kind == "color":
        return []
    if not value:
        written = control.get("value")
        if required:
            shown = f' (value="{written}" is not a valid {kind})' if written else ""
            return [f"{what}: required and empty{shown}"]
        return []
    failures: list[str] = []
    if kind in {"email", "url"}:
        failures += _type_mismatch(kind, value, control, what)
    if kind in TEXT_TYPES and control.has("pattern"):
        failures += _pattern_mismatch(kind, value, control, what)
    if kind in STEPS:
        failures += _range_and_step(kind, value, control, what)
    return failures


def _select_failures(select: Element, what: str) -> list[str]:
    chosen = selected_options(select)
    if not chosen:
        return [f"{what}: required and nothing selected"]
    options = select_options(select)
    placeholder = (
        is_single(select)
        and options
        and options[0].get("value", None) == ""
        and options[0].parent is select
    )
    if placeholder and chosen == [options[0]]:
        return [f"{what}: required and its empty first option selected"]
    return []


def _type_mismatch(kind: str, value: str, control: Element, what: str) -> list[str]:
    if kind == "email":
        addresses = value.split(",") if control.has("multiple") else [value]
        wrong = [address for address in addresses if not EMAIL.fullmatch(address)]
        return [f'{what}: "{address}" is not an e-mail address' for address in wrong]
    parts = urlsplit(value)
    valid = bool(re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*", parts.scheme or "")) and (
        parts.scheme.lower() not in {"http", "https", "ftp", "ws", "wss"} or bool(parts.netloc)
    )
    return [] if valid and " " not in value else [f'{what}: "{value}" is not an absolute URL']


def _pattern_mismatch(kind: str, value: str, control: Element, what: str) -> list[str]:
    try:
        pattern = re.compile(control.get("pattern"))
    except re.error:
        return []  # a pattern the browser cannot compile checks nothing
    values = value.split(",") if kind == "email" and control.has("multiple") else [value]
    return [
        f'{what}: "{v}" does not match pattern="{control.get("pattern")}"'
        for v in values
        if not pattern.fullmatch(v)
    ]


def _range_and_step(kind: str, value: str, control: Element, what: str) -> list[str]:
    number = as_number(kind, value)
    if number is None:
        return []
    failures: list[str] = []
    low = as_number(kind, control.get("min"))
    high = as_number(kind, control.get("max"))
    if low is not None and number < low:
        failures.append(f'{what}: "{value}" is below min="{control.get("min")}"')
    if high is not None and number > high:
        failures.append(f'{what}: "{value}" is above max="{control.get("max")}"')
    step_text = control.get("step").strip().lower()
    if step_text == "any":
        return failures
    default_step, scale, default_base = STEPS[kind]
    step = as_number("number", step_text) if step_text else None
    step = (step if step is not None and step > 0 else default_step) * scale
    # the step base: min, else the value attribute (what the page wrote), else the type's
    base = low if low is not None else as_number(kind, control.get("value"))
    if base is None:
        base = default_base
    if (number - base) % step != 0:
        written = control.get("step") or str(default_step)
        failures.append(f'{what}: "{value}" is not on step="{written}" from {base}')
    return failures

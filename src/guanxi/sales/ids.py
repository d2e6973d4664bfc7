"""Database ids typed by users (query strings, form fields, loosely typed service input).

`str.isdigit()` is not enough: it accepts "²" (which int() refuses) and any number of digits
(which SQLite cannot bind), and both were 500s. Parse through here instead."""

MAX_ID = 2**63 - 1  # a signed 64-bit integer: the largest id any of our databases stores


def parse_id(value, *, minimum: int = 1) -> int | None:
    """The id in `value` (an int or a string of ASCII digits) if it lies between `minimum`
    and MAX_ID, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not (text.isascii() and text.isdecimal()):
            return None
        number = int(text)
    return number if minimum <= number <= MAX_ID else None

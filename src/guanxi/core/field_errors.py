"""Gathering the field errors of several cleaners, so that a form reports all its mistakes at
once although each cleaner raises ValidationFailed on its own first one."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from guanxi.core.errors import ValidationFailed


@contextmanager
def field_errors_into(errors: dict[str, list[Any]]) -> Iterator[None]:
    """A ValidationFailed raised inside adds its field errors to `errors` and goes no
    further; the caller raises once with all of them."""
    try:
        yield
    except ValidationFailed as exc:
        errors.update(exc.field_errors)

"""A write that a unique constraint may refuse, answered as the field error the form shows."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction

from guanxi.core.errors import invalid_field


@contextmanager
def unique_or_invalid(field: str, message) -> Iterator[None]:
    """Run the block in a savepoint; an IntegrityError from it becomes `message` on `field`.

    The service checks uniqueness before it writes, so this only answers the write that a
    concurrent one got in before: with the same words as the check, and with the outer
    transaction still usable (the savepoint is rolled back, not the whole request)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise invalid_field(field, message) from None

"""A write that a unique constraint may refuse, answered as the field error the form shows."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction

from guanxi.core.errors import invalid_field


@contextmanager
def unique_or_invalid(field: str, message: str) -> Iterator[None]:
    """Run the block in a savepoint; an IntegrityError from it becomes `message` on `field`.

    The constraint is the check that holds under concurrent writes: a service that also asks
    first (to show every field error at once) gives the same words here for the write that
    another one got in before. Only the savepoint is rolled back, so the request's own
    transaction stays usable."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise invalid_field(field, message) from None

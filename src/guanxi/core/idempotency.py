"""Idempotency keys of write requests (the API's `Idempotency-Key` header): a retry after a
lost answer gets the first answer again, and a key reused for another request is refused.
The services that take one (follow-ups, payments) store the key and a fingerprint of the
request on the row they write; these are the checks they share."""

from typing import Protocol

from django.utils.translation import gettext as _

from guanxi.core.errors import Conflict, invalid_field
from guanxi.core.schemas import IDEMPOTENCY_KEY_LIMIT


class Fingerprinted(Protocol):
    @property
    def request_fingerprint(self) -> str: ...


def idempotency_key_clean(raw: str | None, *, field: str) -> str | None:
    """The key without surrounding blanks, None when there is none; too long: refused on
    `field`."""
    key = (raw or "").strip() or None
    if key is not None and len(key) > IDEMPOTENCY_KEY_LIMIT:
        raise invalid_field(
            field, _("At most %(count)d characters.") % {"count": IDEMPOTENCY_KEY_LIMIT}
        )
    return key


def idempotency_replay[R: Fingerprinted](
    first: R | None, *, fingerprint: str, reused: str
) -> R | None:
    """`first`, the row an earlier request with the same key wrote, when this request is the
    same one again; None when there is none. The same key with another request: Conflict,
    saying `reused`."""
    if first is not None and first.request_fingerprint != fingerprint:
        raise Conflict(reused, code="idempotency_key_reused")
    return first

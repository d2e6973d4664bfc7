"""Encryption of PII at rest and a blind index for exact look-up (ARC-6)."""

import hashlib
import hmac
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from cryptography.fernet import Fernet


@cache
def _fernet(key: str) -> "Fernet":
    # imported when used: a web worker that never encrypts or decrypts a field does not hold
    # cryptography's OpenSSL bindings (~5.6 MiB; the worker's memory budget, issue 13 §3)
    from cryptography.fernet import Fernet

    return Fernet(key.encode())


def token_digest(token: str) -> str:
    """What a bearer secret (an API key, a feed or survey link's token) is kept as: its SHA-256,
    so a stolen database does not hand out working links. A secret of 128 random bits or more
    needs no key or salt to resist guessing."""
    return hashlib.sha256(token.encode()).hexdigest()


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet(settings.GUANXI_FIELD_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    fernet = _fernet(settings.GUANXI_FIELD_KEY)
    from cryptography.fernet import InvalidToken  # loaded by _fernet already

    try:
        return fernet.decrypt(token.encode()).decode()
    except InvalidToken:
        # A wrong key must not crash a page; the reveal shows nothing rather than garbage.
        return ""


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed digest: equal inputs give equal digests, the digest reveals nothing."""
    if not value:
        return ""
    key = f"{settings.GUANXI_INDEX_KEY}:{purpose}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()

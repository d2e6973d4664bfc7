"""Encryption of PII at rest and a blind index for exact look-up (ARC-6)."""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@cache
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet(settings.GUANXI_FIELD_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(settings.GUANXI_FIELD_KEY).decrypt(token.encode()).decode()
    except InvalidToken:
        # A wrong key must not crash a page; the reveal shows nothing rather than garbage.
        return ""


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed digest: equal inputs give equal digests, the digest reveals nothing."""
    if not value:
        return ""
    key = f"{settings.GUANXI_INDEX_KEY}:{purpose}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()

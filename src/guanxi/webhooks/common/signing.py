"""The signature of a webhook request (INTG-3), documented in docs/api.md "Webhooks".

    X-Guanxi-Timestamp: <unix seconds when this attempt was sent>
    X-Guanxi-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>

A receiver recomputes the HMAC over the raw body it received, compares in constant time and
refuses a timestamp older (or newer) than the replay window. `signature_verify` is the
reference implementation (the tests verify every delivery with it)."""

import hashlib
import hmac
import time

REPLAY_WINDOW_SECONDS = 300


def signature_of(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def signature_verify(
    *,
    secret: str,
    body: bytes,
    timestamp_header: str,
    signature_header: str,
    now: float | None = None,
    window: int = REPLAY_WINDOW_SECONDS,
) -> bool:
    """True when the signature is the secret's and the timestamp within the window."""
    try:
        timestamp = int(timestamp_header)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - timestamp) > window:
        return False
    expected = signature_of(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, signature_header)

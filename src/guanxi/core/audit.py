"""Writing the audit log (ARC-6). Services call `audit_record`; nothing else writes it."""

import datetime as dt
import ipaddress
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest

from guanxi.core.models import AuditLog

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = n proxies in front
    (GUANXI_TRUSTED_PROXIES) the n-th address from the right of X-Forwarded-For — the one our
    outermost proxy saw. Addresses further left are the client's own word and never used."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


def _raw(value: Any) -> Any:
    """A value as the audit log keeps it (JSON): ids for records, text for numbers and dates;
    core.audit_text turns it into words when the log is read."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, set | frozenset):
        return sorted(_raw(v) for v in value)
    if isinstance(value, list | tuple) or hasattr(value, "model"):
        return [_raw(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def audit_record(
    *,
    actor: "_AnyUser | None",
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    detail: Mapping[str, object] | None = None,
    request: HttpRequest | None = None,
    changes: Mapping[str, tuple[object, object]] | None = None,
    values: Mapping[str, object] | None = None,
) -> AuditLog:
    """`changes` {field of target: (before, after)} and `values` {field: value} are kept raw
    and shown with the field's label and formatted value in the reader's language."""
    detail = dict(detail or {})
    if changes:
        detail["changes"] = {name: [_raw(b), _raw(a)] for name, (b, a) in changes.items()}
    if values:
        detail["values"] = {name: _raw(v) for name, v in values.items()}
    # nobody for the system, a signed-out visitor or a user not saved
    by = None if isinstance(actor, AnonymousUser) or not getattr(actor, "pk", None) else actor
    return AuditLog.objects.create(
        actor=by,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        detail=detail or {},
        ip=client_ip(request),
    )

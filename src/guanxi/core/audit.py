"""Writing the audit log (ARC-6). Services call `audit_record`; nothing else writes it."""

from guanxi.core.models import AuditLog


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(*, actor, action: str, target=None, summary: str = "", detail=None, request=None):
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        detail=detail or {},
        ip=client_ip(request),
    )

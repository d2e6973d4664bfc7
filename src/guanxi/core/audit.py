"""Writing the audit log (ARC-6). Services call `audit_record`; nothing else writes it."""

from guanxi.core.models import AuditLog

# Actions of higher apps ("sales.contract_sign" …) with their translated labels; each app
# registers its own when it starts, so the audit page can name and filter them.
_ACTION_LABELS: dict = {}


def audit_actions_register(labels: dict) -> None:
    _ACTION_LABELS.update(labels)


def audit_action_label(action: str):
    if action in AuditLog.Action.values:
        return AuditLog.Action(action).label
    return _ACTION_LABELS.get(action, action)


def audit_action_choices() -> list[tuple[str, object]]:
    return [*AuditLog.Action.choices, *sorted(_ACTION_LABELS.items(), key=lambda kv: kv[0])]


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

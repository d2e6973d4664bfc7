"""The audit log's actions and their labels: core's own, and those each higher app registers
when it starts ("sales.contract_sign" …), so the audit page can name and filter them."""

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class AuditAction(models.TextChoices):
    REVEAL = "reveal", _("Revealed a masked value")
    EXPORT = "export", _("Exported data")
    MERGE = "merge", _("Merged customers")
    HANDOVER = "handover", _("Handed over customers")
    DELETE = "delete", _("Moved to recycle bin")
    RESTORE = "restore", _("Restored from recycle bin")
    PURGE = "purge", _("Deleted permanently")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKED = "locked", _("Account locked")
    TOKEN = "token", _("API token change")
    PERMISSION = "permission", _("Roles or permissions changed")
    SHARE = "share", _("Shared a record")
    USER_CREATE = "user_create", _("Created a user")
    PASSWORD_CHANGE = "password_change", _("Changed own password")
    PASSWORD_RESET = "password_reset", _("Reset a user's password")
    DEACTIVATE = "deactivate", _("Deactivated a user")
    REACTIVATE = "reactivate", _("Reactivated a user")
    UNLOCK = "unlock", _("Unlocked logins")
    TIME_ZONE = "time_zone", _("Changed own time zone")


_ACTION_LABELS: dict[str, "_StrOrPromise"] = {}


def audit_actions_register(labels: Mapping[str, "_StrOrPromise"]) -> None:
    _ACTION_LABELS.update(labels)


def audit_action_label(action: str) -> "_StrOrPromise":
    if action in AuditAction.values:
        return AuditAction(action).label
    return _ACTION_LABELS.get(action, action)


def audit_action_choices() -> list[tuple[str, "_StrOrPromise"]]:
    return [*AuditAction.choices, *sorted(_ACTION_LABELS.items(), key=lambda kv: kv[0])]

"""Connects the care areas to the hooks of lower apps and registers the app's permissions and
audit actions: the one place, called once from CareConfig.ready()."""

from functools import cache

from guanxi.accounts import permissions as account_permissions
from guanxi.care.common import audit_actions, permissions
from guanxi.core.audit_actions import audit_actions_register


@cache  # connects once, however often it is called
def connect() -> None:
    account_permissions.ALL.update(permissions.ALL)
    audit_actions_register(audit_actions.LABELS)

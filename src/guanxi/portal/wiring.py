"""Connects the portal areas to the hooks of lower apps and registers the app's permissions
and audit actions: the one place, called once from PortalConfig.ready()."""

from functools import cache

from guanxi.accounts import permissions as account_permissions
from guanxi.core.audit_actions import audit_actions_register
from guanxi.portal.access import tasks as access_tasks  # noqa: F401 - registers the purge cron
from guanxi.portal.common import audit_actions, permissions


@cache  # connects once, however often it is called
def connect() -> None:
    account_permissions.ALL.update(permissions.ALL)
    audit_actions_register(audit_actions.LABELS)

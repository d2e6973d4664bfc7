"""Connects the imports areas to the hooks of lower apps and registers the app's permissions
and audit actions: the one place, called once from ImportsConfig.ready()."""

from functools import cache

from guanxi.accounts import permissions as account_permissions
from guanxi.core.audit_actions import audit_actions_register
from guanxi.core.list_actions import list_actions
from guanxi.imports.common import audit_actions, permissions
from guanxi.imports.exports import tasks as export_tasks  # noqa: F401 - registers the cron
from guanxi.imports.exports import views as export_views
from guanxi.imports.spreadsheets import tasks as spreadsheet_tasks  # noqa: F401 - registers


@cache  # connects once, however often it is called
def connect() -> None:
    account_permissions.ALL.update(permissions.ALL)
    audit_actions_register(audit_actions.LABELS)
    # the Export button of every list that exports (RPT-2)
    list_actions.register(export_views.export_button_html)

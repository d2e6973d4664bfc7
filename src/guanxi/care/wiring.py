"""Connects the care areas to the hooks of lower apps and registers the app's permissions and
audit actions: the one place, called once from CareConfig.ready()."""

from functools import cache

from guanxi.accounts import permissions as account_permissions
from guanxi.care.common import audit_actions, permissions
from guanxi.care.visits import tasks as visit_tasks  # noqa: F401 - registers the spot-check cron
from guanxi.care.visits import views as visit_views
from guanxi.core.audit_actions import audit_actions_register
from guanxi.core.home import home_sections
from guanxi.core.waiting import waiting_items
from guanxi.customers import panels
from guanxi.pipeline.worklist.hooks import worklist_sections


@cache  # connects once, however often it is called
def connect() -> None:
    account_permissions.ALL.update(permissions.ALL)
    audit_actions_register(audit_actions.LABELS)
    # 回访 (CARE-1): the assignee's work list, the waiting badge, relations' home, the 360 page
    worklist_sections.register(visit_views.worklist_section)
    waiting_items.register(visit_views.waiting_item)
    home_sections.register(visit_views.home_relations_section)
    panels.detail_panels.register(visit_views.customer_panel)

"""Connects the care areas to the hooks of lower apps and registers the app's permissions and
audit actions: the one place, called once from CareConfig.ready()."""

from functools import cache

from guanxi.accounts import permissions as account_permissions
from guanxi.care.common import audit_actions, permissions
from guanxi.care.rules import events as rule_events
from guanxi.care.rules import tasks as rule_tasks  # noqa: F401 - registers the cron jobs
from guanxi.core.audit_actions import audit_actions_register
from guanxi.customers import hooks as customer_hooks
from guanxi.pipeline import hooks as pipeline_hooks
from guanxi.sales.common import hooks as sales_hooks


@cache  # connects once, however often it is called
def connect() -> None:
    account_permissions.ALL.update(permissions.ALL)
    audit_actions_register(audit_actions.LABELS)
    # care plans (CARE-2): the events that start touches
    customer_hooks.customer_created.register(rule_events.on_customer_created)
    pipeline_hooks.followup_logged.register(rule_events.on_followup_logged)
    pipeline_hooks.stage_changed.register(rule_events.on_stage_changed)
    sales_hooks.contract_won.register(rule_events.on_contract_won)
    sales_hooks.delivery_planned.register(rule_events.on_delivery_planned)
    sales_hooks.delivery_done.register(rule_events.on_delivery_done)
    sales_hooks.payment_received.register(rule_events.on_payment_received)

"""Connects the webhooks areas to the hooks of lower apps and registers the app's permissions
and audit actions: the one place, called once from WebhooksConfig.ready().

Events of apps built later register here too: the complaints of `service` (service/hooks.py
complaint_opened / complaint_closed / complaints_escalated) are "complaint.opened" /
"complaint.closed" / "complaint.escalated", registered
with `catalog.event_register(...)` and a listener calling `events.services.event_fire` — see
docs/api.md "Webhooks" for the payload convention."""

from functools import cache

from django.utils.translation import gettext_lazy as _

from guanxi.accounts import permissions as account_permissions
from guanxi.core.audit_actions import audit_actions_register
from guanxi.customers import hooks as customer_hooks
from guanxi.pipeline import hooks as pipeline_hooks
from guanxi.sales.common import hooks as sales_hooks
from guanxi.service import hooks as service_hooks
from guanxi.webhooks.common import audit_actions, catalog, permissions
from guanxi.webhooks.delivery import tasks as delivery_tasks  # noqa: F401 - registers the cron
from guanxi.webhooks.events import listeners
from guanxi.webhooks.events import tasks as event_tasks  # noqa: F401 - registers the cron


@cache  # connects once, however often it is called
def connect() -> None:
    account_permissions.ALL.update(permissions.ALL)
    account_permissions.ADMINISTRATION.add(permissions.MANAGE)  # the gear leads to its pages
    audit_actions_register(audit_actions.LABELS)
    customer_hooks.customer_created.register(listeners.on_customer_created)
    customer_hooks.customers_created.register(listeners.on_customers_created)
    customer_hooks.customer_updated.register(listeners.on_customer_updated)
    customer_hooks.merge_extensions.register(listeners.on_customer_merged)
    customer_hooks.owners_changed.register(listeners.on_owners_changed)
    pipeline_hooks.stage_changed.register(listeners.on_stage_changed)
    pipeline_hooks.followup_logged.register(listeners.on_followup_logged)
    sales_hooks.contract_won.register(listeners.on_contract_won)
    sales_hooks.payment_received.register(listeners.on_payment_received)
    sales_hooks.invoice_issued.register(listeners.on_invoice_issued)
    sales_hooks.approval_waiting.register(listeners.on_approval_waiting)
    catalog.event_register("complaint.opened", _("Complaint opened"))  # CMP-1
    catalog.event_register("complaint.closed", _("Complaint closed"))  # CMP-3
    # CMP-2, INTG-6: a notice for people first (the WeCom robot), like approval.waiting
    catalog.event_register("complaint.escalated", _("Complaint escalated"), group="notice")
    service_hooks.complaint_opened.register(listeners.on_complaint_opened)
    service_hooks.complaint_closed.register(listeners.on_complaint_closed)
    service_hooks.complaints_escalated.register(listeners.on_complaints_escalated)

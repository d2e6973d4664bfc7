"""Connects the care areas to the hooks of lower apps and registers the app's permissions and
audit actions: the one place, called once from CareConfig.ready()."""

from functools import cache
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts import hooks as account_hooks
from guanxi.accounts import permissions as account_permissions
from guanxi.accounts.models import User
from guanxi.care.assets.services import asset_from_delivery
from guanxi.care.calendar import views as calendar_views
from guanxi.care.common import audit_actions, permissions
from guanxi.care.messages import services as message_services
from guanxi.care.messages import tasks as message_tasks  # noqa: F401 - registers the send cron
from guanxi.care.messages.selectors import unread_count
from guanxi.care.rules import events as rule_events
from guanxi.care.rules import tasks as rule_tasks  # noqa: F401 - registers the cron jobs
from guanxi.care.visits import tasks as visit_tasks  # noqa: F401 - registers the spot-check cron
from guanxi.care.visits import views as visit_views
from guanxi.core.audit_actions import audit_actions_register
from guanxi.core.home import home_sections
from guanxi.core.waiting import WAITING_CAP, WaitingItem, waiting_items
from guanxi.customers import hooks as customer_hooks
from guanxi.customers import panels
from guanxi.customers.models import Customer
from guanxi.customers.panels import LazyPanel
from guanxi.pipeline import hooks as pipeline_hooks
from guanxi.pipeline.worklist.hooks import worklist_sections
from guanxi.sales.common import hooks as sales_hooks
from guanxi.sales.models import Delivery


def _asset_from_delivery(*, delivery: Delivery, actor: Any = None, **kwargs: Any) -> None:
    asset_from_delivery(delivery=delivery, actor=actor)


def _preferences_merge(*, primary: Customer, duplicate: Customer, **kwargs: object) -> None:
    message_services.preferences_merge(primary=primary, duplicate=duplicate)


def _waiting_notifications(*, user: User, **kwargs: object) -> WaitingItem | None:
    count = unread_count(user=user, cap=WAITING_CAP + 1)
    return WaitingItem(
        "notifications",
        _("Unread notifications"),
        count,
        reverse("care:notifications") + "?unread=1",
    )


@cache  # connects once, however often it is called
def connect() -> None:
    account_permissions.ALL.update(permissions.ALL)
    audit_actions_register(audit_actions.LABELS)
    # 回访 (CARE-1): the assignee's work list, the waiting badge, relations' home, the 360 page
    worklist_sections.register(visit_views.worklist_section)
    waiting_items.register(visit_views.waiting_item)
    home_sections.register(visit_views.home_relations_section)
    panels.detail_panels.register(
        LazyPanel("gx-care-visits-panel", gettext_lazy("回访"), "care:customer_visits")
    )
    # the installed base (ARC-10) and the front desk (ACQ-5)
    sales_hooks.delivery_recorded.register(_asset_from_delivery)
    panels.detail_panels.register(
        LazyPanel("gx-assets-panel", gettext_lazy("installed base"), "care:customer_assets")
    )
    panels.detail_panels.register(
        LazyPanel(
            "gx-reception-panel",
            gettext_lazy("Front-desk visits and calls"),
            "care:customer_receptions",
        )
    )
    # care plans (CARE-2): the events that start touches
    customer_hooks.customer_created.register(rule_events.on_customer_created)
    customer_hooks.customers_created.register(rule_events.on_customers_created)
    pipeline_hooks.followup_logged.register(rule_events.on_followup_logged)
    pipeline_hooks.stage_changed.register(rule_events.on_stage_changed)
    sales_hooks.contract_won.register(rule_events.on_contract_won)
    sales_hooks.delivery_planned.register(rule_events.on_delivery_planned)
    sales_hooks.delivery_recorded.register(rule_events.on_delivery_done)
    sales_hooks.payment_received.register(rule_events.on_payment_received)
    # messages (CARE-4): the 360 panel, merges, the bell; the calendar feed (CARE-5)
    panels.detail_panels.register(
        LazyPanel(
            "gx-care-messages", gettext_lazy("Messages and consent"), "care:customer_messages"
        )
    )
    customer_hooks.merge_extensions.register(_preferences_merge)
    waiting_items.register(_waiting_notifications)
    account_hooks.profile_sections.register(calendar_views.profile_section_html)

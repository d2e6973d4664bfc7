"""Connects the care areas to the hooks of lower apps and registers the app's permissions and
audit actions: the one place, called once from CareConfig.ready()."""

from functools import cache

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.accounts import hooks as account_hooks
from guanxi.accounts import permissions as account_permissions
from guanxi.accounts.models import User
from guanxi.care.calendar import views as calendar_views
from guanxi.care.common import audit_actions, permissions
from guanxi.care.messages import services as message_services
from guanxi.care.messages import tasks as message_tasks  # noqa: F401 - registers the send cron
from guanxi.care.messages import views as message_views
from guanxi.care.messages.selectors import unread_count
from guanxi.core.audit_actions import audit_actions_register
from guanxi.core.waiting import WAITING_CAP, WaitingItem, waiting_items
from guanxi.customers import hooks as customer_hooks
from guanxi.customers import panels
from guanxi.customers.models import Customer


def _messages_panel(*, request: HttpRequest, customer: Customer, **kwargs: object) -> str:
    return message_views.customer_panel_html(request, customer)


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
    panels.detail_panels.register(_messages_panel)
    customer_hooks.merge_extensions.register(_preferences_merge)
    waiting_items.register(_waiting_notifications)
    account_hooks.profile_sections.register(calendar_views.profile_section_html)

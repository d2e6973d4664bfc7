"""Connects the service areas to the hooks of lower apps and registers the app's permissions
and audit actions: the one place, called once from ServiceConfig.ready()."""

from functools import cache

from django.urls import reverse
from django.utils.translation import gettext_lazy

from guanxi.accounts import permissions as account_permissions
from guanxi.core.audit_actions import audit_actions_register
from guanxi.core.home import home_sections
from guanxi.core.waiting import waiting_items
from guanxi.customers import panels
from guanxi.customers.panels import LazyPanel
from guanxi.pipeline.worklist.hooks import worklist_sections
from guanxi.sales.approvals import selectors as approval_selectors
from guanxi.sales.approvals import services as approval_services
from guanxi.sales.models import ApprovalTarget
from guanxi.service.calls import permissions as call_permissions
from guanxi.service.calls import views as call_views
from guanxi.service.common import audit_actions, permissions
from guanxi.service.complaints import services as complaint_services
from guanxi.service.complaints import tasks as complaint_tasks  # noqa: F401 - registers the cron
from guanxi.service.complaints import views as complaint_views
from guanxi.service.models import Complaint


def _complaint_url(record_id: int) -> str:
    return reverse("service:complaint_detail", args=[record_id])


@cache  # connects once, however often it is called
def connect() -> None:
    # the call centre (SRV-3): its permission, the softphone's token scope, the agent's home
    account_permissions.ALL.update(call_permissions.ALL)
    account_permissions.TOKEN_SCOPES[call_permissions.RINGING_SCOPE] = (
        call_permissions.RINGING_SCOPE_LABEL,
        account_permissions.MANAGE_USERS,
    )
    home_sections.register(call_views.home_agent_section)
    account_permissions.ALL.update(permissions.ALL)
    account_permissions.ADMINISTRATION.add(permissions.COMPLAINT_SETUP)  # the gear: set-up pages
    audit_actions_register(audit_actions.LABELS)
    # complaints (CMP): the 360 page, work lists, the waiting badge, home pages
    panels.detail_panels.register(
        LazyPanel("gx-complaints-panel", gettext_lazy("Complaints"), "service:customer_complaints")
    )
    worklist_sections.register(complaint_views.worklist_section)
    waiting_items.register(complaint_views.waiting_item)
    home_sections.register(complaint_views.home_section)
    # compensation above the threshold goes through the approval flows (ORD-2)
    approval_services.register_finisher(
        target=ApprovalTarget.COMPLAINT, callback=complaint_services.compensation_finish
    )
    approval_services.register_snapshotter(
        target=ApprovalTarget.COMPLAINT, callback=complaint_services.compensation_snapshot
    )
    approval_selectors.other_targets[ApprovalTarget.COMPLAINT] = approval_selectors.OtherTarget(
        visible_records=Complaint.objects.visible_to, record_url=_complaint_url
    )

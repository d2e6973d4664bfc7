"""Connects the satisfaction areas to the hooks of lower apps and registers the app's permissions
and audit actions: the one place, called once from SatisfactionConfig.ready()."""

from functools import cache
from typing import Any

from django.utils.translation import gettext_lazy

from guanxi.accounts import permissions as account_permissions
from guanxi.care import hooks as care_hooks
from guanxi.care.models import CareTask
from guanxi.core.audit_actions import audit_actions_register
from guanxi.core.home import home_sections
from guanxi.customers import panels
from guanxi.customers.panels import LazyPanel
from guanxi.pipeline.worklist.hooks import worklist_sections
from guanxi.satisfaction.common import audit_actions, permissions
from guanxi.satisfaction.plans import views as plan_views
from guanxi.satisfaction.scores import views as score_views
from guanxi.satisfaction.surveys import services as survey_services
from guanxi.satisfaction.surveys import views as survey_views
from guanxi.service import hooks as service_hooks
from guanxi.service.models import Complaint


def _survey_for_task(*, task: CareTask, **kwargs: Any) -> None:
    survey_services.survey_link_for_task(task=task)


def _confirmation_for_complaint(*, complaint: Complaint, **kwargs: Any) -> None:
    survey_services.complaint_confirmation_send(complaint=complaint)


@cache  # connects once, however often it is called
def connect() -> None:
    account_permissions.ALL.update(permissions.ALL)
    audit_actions_register(audit_actions.LABELS)
    panels.detail_panels.register(  # SAT-1/2 on the 360 page
        LazyPanel(
            "gx-satisfaction-panel", gettext_lazy("Satisfaction"), "satisfaction:customer_surveys"
        )
    )
    worklist_sections.register(plan_views.worklist_section)  # SAT-4 due actions
    home_sections.register(score_views.home_section_view)  # SAT-3 relations, managers
    care_hooks.task_created.register(_survey_for_task)  # SAT-1 by a care rule, online
    service_hooks.complaint_closed.register(_confirmation_for_complaint)  # CMP-3 confirm
    service_hooks.complaint_sections.register(survey_views.complaint_section)  # CMP-3 score

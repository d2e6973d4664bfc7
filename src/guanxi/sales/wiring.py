"""Connects the sales areas to each other's hooks and to the hooks of lower apps, and
registers the app's permissions and audit actions: the one place, called once from
SalesConfig.ready().

A lower area never imports a higher one (the `layers` contract in pyproject.toml); where it
must reach up, it offers a hook or a registry that the higher area's function is put in here.
"""

from decimal import Decimal, InvalidOperation
from functools import cache

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts import permissions as account_permissions
from guanxi.core.audit_actions import audit_actions_register
from guanxi.core.audit_text import audit_formatters_register, money_text
from guanxi.core.home import home_sections
from guanxi.core.waiting import WAITING_CAP, WaitingItem, waiting_items
from guanxi.customers import hooks as customer_hooks
from guanxi.customers import panels
from guanxi.pipeline.prospects.services import prospect_expect_from_quote
from guanxi.pipeline.reports.hooks import monthly_targets
from guanxi.pipeline.worklist.hooks import worklist_sections
from guanxi.sales.approvals.selectors import queue_count
from guanxi.sales.approvals.services import register_finisher, register_snapshotter
from guanxi.sales.approvals.views import register_document_view
from guanxi.sales.common import audit_actions, permissions
from guanxi.sales.common import hooks as sales_hooks
from guanxi.sales.common.document_text import quantity_text
from guanxi.sales.contracts import services as contract_services
from guanxi.sales.contracts.selectors import contract_document
from guanxi.sales.contracts.views import (
    contract_approval_document_html,
)
from guanxi.sales.models import SalesTarget
from guanxi.sales.receivables import services as receivable_services
from guanxi.sales.receivables import tasks  # noqa: F401 - registers the daily cron job
from guanxi.sales.receivables import views as receivable_views
from guanxi.sales.receivables.selectors import overdue_instalment_count
from guanxi.sales.receivables.views import overdue_worklist_section
from guanxi.sales.reports import views as report_views


def _contract_handover(*, from_user, to_user, actor=None, customer_ids=(), **kwargs) -> None:
    contract_services.contracts_follow_handover(
        from_user=from_user, to_user=to_user, customer_ids=customer_ids
    )


def _contract_snapshot(*, record_id, **kwargs) -> dict:
    return contract_document(contract_id=record_id)


def _target_value_text(value: object, detail: dict) -> str:
    """A target is money or a number of customers, by its metric."""
    if detail.get("metric") == SalesTarget.Metric.NEW_CUSTOMERS:
        try:
            return formats.number_format(Decimal(str(value)).normalize(), use_l10n=True)
        except (InvalidOperation, ValueError):
            return str(value)
    return money_text(value)


def _rows(value: object) -> list[dict]:
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


def _contract_lines_text(value: object, detail: dict) -> str:
    """A contract's lines as an amendment recorded them: "商城网站建设 × 5, …"."""
    parts = []
    for row in _rows(value):
        try:
            quantity = quantity_text(row.get("quantity"))
        except (InvalidOperation, TypeError, ValueError):
            quantity = str(row.get("quantity", ""))
        parts.append(f"{row.get('description') or '—'} × {quantity}")
    return ", ".join(parts) or "—"


def _contract_plan_text(value: object, detail: dict) -> str:
    """A payment plan as an amendment recorded it: "2026-12-07 ¥79,600.00, …"."""
    parts = [f"{row.get('due_on', '')} {money_text(row.get('amount'))}" for row in _rows(value)]
    return ", ".join(parts) or "—"


def _waiting_approvals(*, user, **kwargs) -> WaitingItem | None:
    count = queue_count(user=user)
    return WaitingItem(
        "approvals", _("Approvals to decide"), count, reverse("sales:approval_queue")
    )


def _waiting_instalments(*, user, **kwargs) -> WaitingItem | None:
    count = overdue_instalment_count(user=user, cap=WAITING_CAP + 1)
    url = reverse("sales:receivables") + f"?owner={user.pk}"
    return WaitingItem("overdue_instalments", _("Overdue instalments"), count, url)


def _expect_from_quote(*, customer, amount, **kwargs) -> None:
    prospect_expect_from_quote(customer=customer, amount=amount)


def _monthly_targets(*, user_ids, month, **kwargs) -> dict:
    """The consultants' signed-amount targets of the month, for the pipeline's forecast."""
    return dict(
        SalesTarget.objects.filter(
            user_id__in=user_ids,
            period=SalesTarget.Period.MONTH,
            metric=SalesTarget.Metric.SIGNED,
            starts_on=month,
        ).values_list("user_id", "value")
    )


@cache  # connects once, however often it is called
def connect() -> None:
    account_permissions.ALL.update(permissions.ALL)
    audit_actions_register(audit_actions.LABELS)
    audit_formatters_register(
        {
            "sales.salestarget.value": _target_value_text,
            "sales.contract.items": _contract_lines_text,
            "sales.contract.instalments": _contract_plan_text,
        }
    )
    waiting_items.register(_waiting_approvals)
    for section in (
        report_views.home_approvals_section,
        report_views.home_instalments_section,
        report_views.home_month_section,
        report_views.home_team_section,
        report_views.home_targets_section,
        report_views.home_overdue_section,
        report_views.home_signed_section,
    ):
        home_sections.register(section)
    waiting_items.register(_waiting_instalments)
    # Approvals run the finisher of the record's area when an approval ends.
    register_finisher(target="contract", callback=contract_services.contract_approval_finished)
    register_finisher(target="payment", callback=receivable_services.payment_finish)
    register_finisher(target="invoice", callback=receivable_services.invoice_finish)
    # The approval page shows the document being judged and what changed since last round.
    register_snapshotter(target="contract", callback=_contract_snapshot)
    register_document_view("contract", contract_approval_document_html)
    register_document_view("payment", receivable_views.payment_approval_document_html)
    register_document_view("invoice", receivable_views.invoice_approval_document_html)
    # A signed contract's payment plan is receivables' business; an amendment asks for it.
    contract_services.amendment_plan_change.register(receivable_services.contract_plan_change)
    contract_services.amendment_total_change.register(
        receivable_services.contract_plan_follow_total
    )
    # Signed without a plan: receivable in full on the signing date (docs/decisions.md).
    sales_hooks.contract_won.register(receivable_services.contract_plan_on_signing)
    customer_hooks.handover_extensions.register(_contract_handover)
    panels.detail_panels.register(
        panels.LazyPanel(
            "gx-contracts-panel", gettext_lazy("Contracts"), "sales:customer_contracts_panel"
        )
    )
    worklist_sections.register(overdue_worklist_section)
    sales_hooks.quote_priced.register(_expect_from_quote)
    monthly_targets.register(_monthly_targets)

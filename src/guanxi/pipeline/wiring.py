"""Connects pipeline to the hooks that lower apps offer (DESIGN: layers). Imported by
`PipelineConfig.ready()`, once every app's models are loaded."""

from functools import cache
from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts import permissions as account_permissions
from guanxi.core.audit_actions import audit_actions_register
from guanxi.core.home import home_sections
from guanxi.core.sql import insert_rows
from guanxi.core.waiting import WAITING_CAP, WaitingItem, waiting_items
from guanxi.customers import hooks as customer_hooks
from guanxi.customers import panels
from guanxi.customers.models import Customer
from guanxi.customers.panels import LazyPanel
from guanxi.customers.querysets import visibility_extensions
from guanxi.pipeline import audit_actions, permissions
from guanxi.pipeline.checkins.services import customer_location_merge
from guanxi.pipeline.home import views as home_views
from guanxi.pipeline.models import Grade, ManVerdict, Prospect
from guanxi.pipeline.pools.selectors import pool_visibility
from guanxi.pipeline.pools.services import pool_entries_end_for_owned, pool_entry_end_for_merged
from guanxi.pipeline.prospects.services import prospect_for
from guanxi.pipeline.prospects.views import followup_panel_html, prospect_panel_placeholder_html
from guanxi.pipeline.worklist.selectors import overdue_count

BATCH = 1000  # ids per IN (...) list


def _on_customer_created(*, customer: Customer, **kwargs: Any) -> None:
    prospect_for(customer=customer)


def _on_customers_created(*, customers: list[Customer], **kwargs: Any) -> None:
    """The prospect rows of a batch of new customers (the import), in one INSERT."""
    insert_rows(
        Prospect,
        ["customer", "owner", "department"],
        [(c.pk, c.owner_id, c.department_id) for c in customers],
        ignore_conflicts=["customer"],
    )


def _on_owners_changed(*, customer_ids, pool_release: bool = False, **kwargs: Any) -> None:
    """The prospects copy their customer's owner and department (the board's index range).
    A release into a pool writes its prospects itself (`pools.services._prospects_released`,
    one UPDATE with the clock below): nothing to do here then."""
    if pool_release:
        return
    ids = list(customer_ids)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        source = Customer.objects.filter(pk=OuterRef("customer_id"))
        Prospect.objects.filter(customer_id__in=batch).update(
            owner_id=Subquery(source.values("owner_id")[:1]),
            department_id=Subquery(source.values("department_id")[:1]),
        )


def _category_signal(
    *, customer: Customer, prospect: Prospect | None = None, **kwargs: Any
) -> str | None:
    """ARC-3: stage 拒绝 → lost (流失: the customer refuses further contact, whatever they were
    before); E or deal → actual; stage ≥ 1 or tracked → target; MAN "man" → non-customer.
    The pipeline's services pass the prospect they hold locked; others have it read."""
    if prospect is None or prospect.customer_id != customer.pk:
        prospect = (
            Prospect.objects.filter(customer_id=customer.pk)
            .select_related("stage")
            .only("grade", "dealt", "tracked", "man_verdict", "stage__order")
            .first()
        )
    if prospect is None:
        return None
    if prospect.stage is not None and prospect.stage.order < 0:
        return Customer.Category.LOST
    if prospect.grade == Grade.E or prospect.dealt:
        return Customer.Category.ACTUAL
    if prospect.tracked or (prospect.stage is not None and prospect.stage.order >= 1):
        return Customer.Category.TARGET
    if prospect.man_verdict == ManVerdict.STOP:
        return Customer.Category.NON_CUSTOMER
    return None


def _pool_owner_clock(*, customer_ids, pool_release: bool = False, **kwargs: Any) -> None:
    """A new owner gets the full recycling period (INT-7): the clock restarts. (A release
    into a pool restarts it in `_prospects_released`.)"""
    if pool_release:
        return
    ids = list(customer_ids)
    for start in range(0, len(ids), BATCH):
        Prospect.objects.filter(customer_id__in=ids[start : start + BATCH]).update(
            owned_since=timezone.now(), recycle_warned_at=None
        )


def _pool_end_for_owned(*, customer_ids, pool_release: bool = False, **kwargs: Any) -> None:
    if pool_release:  # they have no owner now: nothing owned sits in a pool
        return
    pool_entries_end_for_owned(customer_ids=customer_ids)


def _pool_merge(*, primary: Customer, duplicate: Customer, **kwargs: Any) -> None:
    pool_entry_end_for_merged(duplicate=duplicate)


def _pool_visibility(*, user, **kwargs: Any):
    return pool_visibility(user=user)


def _followup_panel(*, request, customer: Customer, **kwargs: Any):
    return followup_panel_html(request, customer)


def _detail_panel(*, request, customer: Customer, **kwargs: Any):
    return prospect_panel_placeholder_html(request, customer)


def _location_merge(*, primary: Customer, duplicate: Customer, **kwargs: Any) -> None:
    customer_location_merge(primary=primary, duplicate=duplicate)


def _waiting_followups(*, user, **kwargs: Any) -> WaitingItem | None:
    count = overdue_count(user=user, cap=WAITING_CAP + 1)
    return WaitingItem(
        "overdue_followups", _("Overdue follow-ups"), count, reverse("pipeline:worklist")
    )


@cache  # connects once, however often it is called
def connect() -> None:
    account_permissions.ALL.update(permissions.ALL)
    audit_actions_register(audit_actions.LABELS)
    customer_hooks.customer_created.register(_on_customer_created)
    customer_hooks.customers_created.register(_on_customers_created)
    customer_hooks.owners_changed.register(_on_owners_changed)
    customer_hooks.category_signals.register(_category_signal)
    # The daily action first: the follow-up form and the latest follow-ups top the 360 page.
    panels.detail_panels.register(_followup_panel)
    panels.detail_panels.register(_detail_panel)
    # Public pools: members see the customers in their pools; an owner change restarts the
    # recycling clock and takes an owned customer out of its pool; a merge ends the entry.
    visibility_extensions.register(_pool_visibility)
    customer_hooks.owners_changed.register(_pool_owner_clock)
    customer_hooks.owners_changed.register(_pool_end_for_owned)
    customer_hooks.merge_extensions.register(_pool_merge)
    panels.detail_panels.register(
        LazyPanel("pool-panel", gettext_lazy("Public pool"), "pipeline:customer_pool_panel")
    )
    # Field check-ins (INTG-5): the customer's location on record and the latest check-ins
    panels.detail_panels.register(
        LazyPanel(
            "gx-checkin-panel",
            gettext_lazy("Location and field check-ins"),
            "pipeline:customer_checkins",
        )
    )
    customer_hooks.merge_extensions.register(_location_merge)
    waiting_items.register(_waiting_followups)
    for section in (
        home_views.home_today_section,
        home_views.home_my_pipeline_section,
        home_views.home_team_pipeline_section,
        home_views.home_idle_section,
        home_views.home_sources_section,
    ):
        home_sections.register(section)

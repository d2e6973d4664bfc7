"""Connects pipeline to the hooks that lower apps offer (DESIGN: layers)."""

from django.db.models import OuterRef, Subquery

_connected = False


def _on_customer_created(*, customer, actor=None, **kwargs):
    from guanxi.pipeline.services import prospect_for

    prospect_for(customer)


def _on_owners_changed(*, customer_ids, **kwargs):
    from guanxi.customers.models import Customer
    from guanxi.pipeline.models import Prospect

    ids = list(customer_ids)
    for start in range(0, len(ids), 1000):
        batch = ids[start : start + 1000]
        source = Customer.objects.filter(pk=OuterRef("customer_id"))
        Prospect.objects.filter(customer_id__in=batch).update(
            owner_id=Subquery(source.values("owner_id")[:1]),
            department_id=Subquery(source.values("department_id")[:1]),
        )


def _category_signal(*, customer, **kwargs):
    """ARC-3: MAN "man" → non-customer; stage ≥ 1 or tracked → target; E or deal → actual."""
    from guanxi.customers.models import Customer
    from guanxi.pipeline.models import Grade, ManVerdict, Prospect

    prospect = getattr(customer, "_pipeline_prospect", None)  # set by services._lock
    if prospect is None or prospect.customer_id != customer.pk:
        prospect = (
            Prospect.objects.filter(customer_id=customer.pk)
            .select_related("stage")
            .only("grade", "dealt", "tracked", "man_verdict", "stage__order")
            .first()
        )
    if prospect is None:
        return None
    if prospect.grade == Grade.E or prospect.dealt:
        return Customer.Category.ACTUAL
    if prospect.tracked or (prospect.stage is not None and prospect.stage.order >= 1):
        return Customer.Category.TARGET
    if prospect.man_verdict == ManVerdict.STOP:
        return Customer.Category.NON_CUSTOMER
    return None


def _detail_panel(*, request, customer, **kwargs):
    from guanxi.pipeline.views_worklist import prospect_panel_html

    return prospect_panel_html(request, customer)


# pools ------------------------------------------------------------------ (engineer P2)


def _pool_visibility(*, user, **kwargs):
    from guanxi.pipeline.pools import pool_visibility

    return pool_visibility(user=user)


def _pool_owner_clock(*, customer_ids, **kwargs):
    """A new owner gets the full recycling period (INT-7): the clock restarts."""
    from django.utils import timezone

    from guanxi.pipeline.models import Prospect

    ids = list(customer_ids)
    for start in range(0, len(ids), 1000):
        Prospect.objects.filter(customer_id__in=ids[start : start + 1000]).update(
            owned_since=timezone.now(), recycle_warned_at=None
        )


def _pool_end_for_owned(*, customer_ids, **kwargs):
    from guanxi.pipeline.pools import pool_entries_end_for_owned

    pool_entries_end_for_owned(customer_ids=customer_ids)


def _pool_merge(*, primary, duplicate, **kwargs):
    from guanxi.pipeline.pools import pool_entry_end_for_merged

    pool_entry_end_for_merged(duplicate=duplicate)


def _pool_release_panel(*, request, customer, **kwargs):
    from guanxi.pipeline.views_pools import release_panel_html

    return release_panel_html(request, customer)


def _connect_pools() -> None:
    from guanxi.customers import panels, scope, services

    scope.visibility_extensions.register(_pool_visibility)
    services.owners_changed.register(_pool_owner_clock)
    services.owners_changed.register(_pool_end_for_owned)
    services.merge_extensions.register(_pool_merge)
    panels.detail_panels.register(_pool_release_panel)


# end pools ---------------------------------------------------------------


def connect() -> None:
    global _connected
    if _connected:
        return
    _connected = True
    from guanxi.core.audit_actions import audit_actions_register
    from guanxi.customers import panels, services
    from guanxi.pipeline import audit_actions

    audit_actions_register(audit_actions.LABELS)
    services.customer_created.register(_on_customer_created)
    services.owners_changed.register(_on_owners_changed)
    services.category_signals.register(_category_signal)
    panels.detail_panels.register(_detail_panel)
    _connect_pools()

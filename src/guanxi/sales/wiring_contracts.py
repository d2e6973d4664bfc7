"""Contracts' connections: the approval finisher for "contract", the customer 360 panel,
and handover of open contracts and quotes with their customers."""

_connected = False


def _finisher(*, record_id, outcome, actor, **kwargs):
    from guanxi.sales.services_contracts import contract_approval_finished

    contract_approval_finished(record_id=record_id, outcome=outcome, actor=actor)


def _handover(*, from_user, to_user, actor=None, customer_ids=(), **kwargs):
    from guanxi.sales.services_contracts import contracts_follow_handover

    contracts_follow_handover(from_user=from_user, to_user=to_user, customer_ids=customer_ids)


def _detail_panel(*, request, customer, **kwargs):
    from guanxi.sales.views_contracts import customer_contracts_panel_html

    return customer_contracts_panel_html(request, customer)


def connect() -> None:
    global _connected
    if _connected:
        return
    _connected = True
    from guanxi.customers import panels, services
    from guanxi.sales import approvals

    approvals.register_finisher("contract", _finisher)
    services.handover_extensions.register(_handover)
    panels.detail_panels.register(_detail_panel)

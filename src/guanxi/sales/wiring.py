"""Connects the sales app to the hooks of lower apps and registers its permissions.

Each area of the app keeps its connections in its own module's `connect()`; this module
only calls them, once."""

import importlib

_connected = False

AREAS = (
    "guanxi.sales.wiring_contracts",
    "guanxi.sales.wiring_receivables",
)


def connect() -> None:
    global _connected
    if _connected:
        return
    _connected = True
    from guanxi.accounts import permissions as account_permissions
    from guanxi.core.audit_actions import audit_actions_register
    from guanxi.sales import audit_actions, permissions

    account_permissions.ALL.update(permissions.ALL)
    audit_actions_register(audit_actions.LABELS)
    for name in AREAS:
        importlib.import_module(name).connect()

"""Connects the sales app to the hooks of lower apps and registers its permissions.

Each area of the app keeps its connections in its own module's `connect()`; this module
only calls them, once."""

import importlib

_connected = False

AREAS = (
    "guanxi.sales.wiring_contracts",
    "guanxi.sales.wiring_receivables",
    "guanxi.sales.wiring_fulfilment",
    "guanxi.sales.wiring_reports",
)


def connect() -> None:
    global _connected
    if _connected:
        return
    _connected = True
    from guanxi.accounts import permissions as account_permissions
    from guanxi.sales import permissions

    account_permissions.ALL.update(permissions.ALL)
    for name in AREAS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        module.connect()

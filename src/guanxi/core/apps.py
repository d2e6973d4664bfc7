from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "guanxi.core"
    label = "core"
    verbose_name = _("Core")


class WiredAppConfig(AppConfig):
    """A higher app that connects to the hooks of lower apps in its `wiring` module, whose
    `connect()` runs once every app's models are loaded (the module imports models)."""

    # A base, never an app's configuration by itself; the subclass says `default = True`
    # (its apps.py also names this class).
    default = False

    def ready(self) -> None:
        import_module(f"{self.name}.wiring").connect()

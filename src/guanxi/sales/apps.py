from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "guanxi.sales"
    label = "sales"
    verbose_name = _("Contracts and money")

    def ready(self):
        # Imported here: the wiring imports the areas' models, which need the app registry.
        from guanxi.sales import wiring

        wiring.connect()

from django.utils.translation import gettext_lazy as _

from guanxi.core.apps import WiredAppConfig


class ImportsConfig(WiredAppConfig):
    name = "guanxi.imports"
    label = "imports"
    default = True
    verbose_name = _("Imports and exports")

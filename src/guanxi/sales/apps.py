from django.utils.translation import gettext_lazy as _

from guanxi.core.apps import WiredAppConfig


class SalesConfig(WiredAppConfig):
    name = "guanxi.sales"
    label = "sales"
    default = True
    verbose_name = _("Contracts and money")

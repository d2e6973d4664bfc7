from django.utils.translation import gettext_lazy as _

from guanxi.core.apps import WiredAppConfig


class SatisfactionConfig(WiredAppConfig):
    name = "guanxi.satisfaction"
    label = "satisfaction"
    default = True
    verbose_name = _("Satisfaction")

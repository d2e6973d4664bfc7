from django.utils.translation import gettext_lazy as _

from guanxi.core.apps import WiredAppConfig


class CareConfig(WiredAppConfig):
    name = "guanxi.care"
    label = "care"
    default = True
    verbose_name = _("After-sales care")

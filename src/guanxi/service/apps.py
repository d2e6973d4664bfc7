from django.utils.translation import gettext_lazy as _

from guanxi.core.apps import WiredAppConfig


class ServiceConfig(WiredAppConfig):
    name = "guanxi.service"
    label = "service"
    default = True
    verbose_name = _("Customer service")

from django.utils.translation import gettext_lazy as _

from guanxi.core.apps import WiredAppConfig


class PortalConfig(WiredAppConfig):
    name = "guanxi.portal"
    label = "portal"
    default = True
    verbose_name = _("Customer portal")

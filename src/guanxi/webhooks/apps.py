from django.utils.translation import gettext_lazy as _

from guanxi.core.apps import WiredAppConfig


class WebhooksConfig(WiredAppConfig):
    name = "guanxi.webhooks"
    label = "webhooks"
    default = True
    verbose_name = _("Webhooks")

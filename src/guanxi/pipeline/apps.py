from django.utils.translation import gettext_lazy as _

from guanxi.core.apps import WiredAppConfig


class PipelineConfig(WiredAppConfig):
    name = "guanxi.pipeline"
    label = "pipeline"
    default = True
    verbose_name = _("Pipeline")

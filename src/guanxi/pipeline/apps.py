from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "guanxi.pipeline"
    label = "pipeline"
    verbose_name = _("Pipeline")

    def ready(self):
        # Here, not at the top: wiring imports models, which only exist once apps are loaded.
        from guanxi.pipeline import wiring

        wiring.connect()

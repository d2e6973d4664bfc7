from django.urls import include, path

from guanxi.pipeline.board import urls as board_urls
from guanxi.pipeline.checkins import urls as checkins_urls
from guanxi.pipeline.pools import urls as pools_urls
from guanxi.pipeline.prospects import urls as prospects_urls
from guanxi.pipeline.reports import urls as reports_urls
from guanxi.pipeline.scripts import urls as scripts_urls
from guanxi.pipeline.stages import urls as stages_urls
from guanxi.pipeline.worklist import urls as worklist_urls

app_name = "pipeline"
urlpatterns = [
    path("", include(worklist_urls)),
    path("", include(prospects_urls)),  # guidance/, script-suggestions/, c/<id>/…
    path("pools/", include(pools_urls)),
    path("", include(board_urls)),  # board/
    path("", include(reports_urls)),  # funnel/, team/
    path("scripts/", include(scripts_urls)),
    path("stages/", include(stages_urls)),
    path("", include(checkins_urls)),  # checkins/, c/<id>/checkin/, c/<id>/location/
]

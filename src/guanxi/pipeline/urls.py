from django.urls import include, path

from guanxi.pipeline import urls_board, urls_pools, urls_scripts, urls_worklist

app_name = "pipeline"
urlpatterns = [
    path("", include(urls_worklist)),
    path("pools/", include(urls_pools)),
    path("", include(urls_board)),  # board/, funnel/, team/
    path("scripts/", include(urls_scripts)),
]

from django.urls import URLPattern, URLResolver, include, path

app_name = "satisfaction"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("guanxi.satisfaction.scores.urls")),
    path("", include("guanxi.satisfaction.surveys.urls")),
    path("plans/", include("guanxi.satisfaction.plans.urls")),
    path("external/", include("guanxi.satisfaction.external.urls")),
]

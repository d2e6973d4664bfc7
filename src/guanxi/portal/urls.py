from django.urls import URLPattern, URLResolver, include, path

app_name = "portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("guanxi.portal.account.urls")),
    path("", include("guanxi.portal.access.urls")),
    path("", include("guanxi.portal.leads.urls")),
    path("", include("guanxi.portal.complaints.urls")),
]

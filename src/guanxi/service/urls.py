from django.urls import URLPattern, URLResolver, include, path

app_name = "service"

# Each area adds its `path("<area>/", include("guanxi.service.<area>.urls"))` here.
urlpatterns: list[URLPattern | URLResolver] = [
    path("calls/", include("guanxi.service.calls.urls")),
    path("complaints/", include("guanxi.service.complaints.urls")),
]

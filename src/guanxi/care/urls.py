from django.urls import URLPattern, URLResolver, include, path

app_name = "care"

# Each area adds its `path("<area>/", include("guanxi.care.<area>.urls"))` here.
urlpatterns: list[URLPattern | URLResolver] = [
    path("visits/", include("guanxi.care.visits.urls")),
    path("rules/", include("guanxi.care.rules.urls")),
    path("reception/", include("guanxi.care.reception.urls")),
    path("assets/", include("guanxi.care.assets.urls")),
    path("messages/", include("guanxi.care.messages.urls")),
    path("calendar/", include("guanxi.care.calendar.urls")),
]

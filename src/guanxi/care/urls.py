from django.urls import URLPattern, URLResolver, include, path

app_name = "care"

# Each area adds its `path("<area>/", include("guanxi.care.<area>.urls"))` here.
urlpatterns: list[URLPattern | URLResolver] = [
    path("messages/", include("guanxi.care.messages.urls")),
    path("calendar/", include("guanxi.care.calendar.urls")),
]

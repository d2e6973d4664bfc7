from django.urls import URLPattern, URLResolver

app_name = "webhooks"

# Each area adds its `path("<area>/", include("guanxi.webhooks.<area>.urls"))` here.
urlpatterns: list[URLPattern | URLResolver] = []

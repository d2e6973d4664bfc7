from django.urls import URLPattern, URLResolver, include, path

app_name = "webhooks"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("guanxi.webhooks.subscriptions.urls")),
]

from django.shortcuts import redirect
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from guanxi.api import api

urlpatterns = [
    path("", lambda request: redirect("sales:home"), name="home"),
    path("accounts/admin/", include("guanxi.customers.urls_settings")),
    path("accounts/", include("guanxi.accounts.urls")),
    path("customers/", include("guanxi.customers.urls")),
    path("pipeline/", include("guanxi.pipeline.urls")),
    path("sales/", include("guanxi.sales.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

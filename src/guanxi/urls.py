from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog

from guanxi.accounts import views as account_views
from guanxi.api import api, no_such_path
from guanxi.core import views as core_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("waiting/", core_views.waiting, name="waiting"),
    path("accounts/admin/", include("guanxi.customers.configuration.urls")),
    path("accounts/", include("guanxi.accounts.urls")),
    path("customers/", include("guanxi.customers.archive.urls")),
    path("pipeline/", include("guanxi.pipeline.urls")),
    path("sales/", include("guanxi.sales.urls")),
    path("care/", include("guanxi.care.urls")),
    path("service/", include("guanxi.service.urls")),
    path("satisfaction/", include("guanxi.satisfaction.urls")),
    path("imports/", include("guanxi.imports.urls")),
    path("webhooks/", include("guanxi.webhooks.urls")),
    path("portal/", include("guanxi.portal.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/", no_such_path),  # after the API's own paths: what none of them matched
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

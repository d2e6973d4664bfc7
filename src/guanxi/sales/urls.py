from django.urls import include, path

app_name = "sales"

urlpatterns = [
    path("", include("guanxi.sales.urls_contracts")),
    path("", include("guanxi.sales.urls_fulfilment")),
    path("catalog/", include("guanxi.sales.urls_catalog")),
    path("approvals/", include("guanxi.sales.urls_approvals")),
    path("receivables/", include("guanxi.sales.urls_receivables")),
    path("reports/", include("guanxi.sales.urls_reports")),
]

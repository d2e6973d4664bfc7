from django.urls import include, path

app_name = "sales"

urlpatterns = [
    path("", include("guanxi.sales.contracts.urls")),
    path("", include("guanxi.sales.fulfilment.urls")),
    path("catalog/", include("guanxi.sales.catalog.urls")),
    path("approvals/", include("guanxi.sales.approvals.urls")),
    path("receivables/", include("guanxi.sales.receivables.urls")),
    path("reports/", include("guanxi.sales.reports.urls")),
]

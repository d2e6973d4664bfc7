from django.urls import path

from guanxi.sales.receivables import views

urlpatterns = [
    path("", views.receivables, name="receivables"),
    path("export.xlsx", views.receivables_export, name="receivables_export"),
    path("contract/<int:pk>/", views.contract_receivables, name="contract_receivables"),
    path("contract/<int:pk>/plan/propose/", views.plan_propose, name="receivables_plan_propose"),
    path("contract/<int:pk>/plan/", views.plan_save, name="receivables_plan"),
    path("contract/<int:pk>/payments/", views.payment_create, name="receivables_payment"),
    path("contract/<int:pk>/invoices/", views.invoice_create, name="receivables_invoice"),
    path("payments/<int:pk>/void/", views.payment_void, name="payment_void"),
    path("invoices/<int:pk>/void/", views.invoice_void, name="invoice_void"),
]

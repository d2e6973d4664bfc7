from django.urls import path

from guanxi.sales.contracts import views

urlpatterns = [
    path("", views.contract_list, name="contract_list"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/item-row/", views.contract_item_row, name="contract_item_row"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/submit/", views.contract_submit, name="contract_submit"),
    path("contracts/<int:pk>/start/", views.contract_start, name="contract_start"),
    path("contracts/<int:pk>/complete/", views.contract_complete, name="contract_complete"),
    path("contracts/<int:pk>/terminate/", views.contract_terminate, name="contract_terminate"),
    path("contracts/<int:pk>/amend/", views.contract_amend, name="contract_amend"),
    path("contracts/<int:pk>/pdf/", views.contract_pdf, name="contract_pdf"),
    path(
        "customer/<int:customer_id>/contracts/",
        views.customer_contracts_panel,
        name="customer_contracts_panel",
    ),
    # On the quote's page, so under the catalogue's prefix; converting is contracts' business.
    path("catalog/quotes/<int:quote_id>/convert/", views.quote_convert, name="quote_convert"),
]

from django.urls import path

from guanxi.care.assets import views

urlpatterns = [
    path("", views.asset_list, name="assets"),
    path("customer/<int:customer_id>/add/", views.asset_create, name="asset_create"),
    path("<int:pk>/edit/", views.asset_edit, name="asset_edit"),
    path("customer/<int:customer_id>/", views.customer_assets, name="customer_assets"),
]

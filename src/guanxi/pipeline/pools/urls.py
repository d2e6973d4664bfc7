from django.urls import path

from guanxi.pipeline.pools import views

urlpatterns = [
    path("", views.pool_list, name="pool_list"),
    path("new/", views.pool_edit, name="pool_create"),
    path("<int:pool_id>/", views.pool_detail, name="pool_detail"),
    path("<int:pool_id>/edit/", views.pool_edit, name="pool_edit"),
    path("claim/<int:customer_id>/", views.pool_claim, name="pool_claim"),
    path("release/<int:customer_id>/", views.pool_release, name="pool_release"),
    path("customer/<int:customer_id>/", views.customer_pool_panel, name="customer_pool_panel"),
]

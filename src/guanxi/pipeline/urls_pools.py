from django.urls import path

from guanxi.pipeline import views_pools

urlpatterns = [
    path("", views_pools.pool_list, name="pool_list"),
    path("new/", views_pools.pool_edit, name="pool_create"),
    path("<int:pool_id>/", views_pools.pool_detail, name="pool_detail"),
    path("<int:pool_id>/edit/", views_pools.pool_edit, name="pool_edit"),
    path("claim/<int:customer_id>/", views_pools.pool_claim, name="pool_claim"),
    path("release/<int:customer_id>/", views_pools.pool_release, name="pool_release"),
]

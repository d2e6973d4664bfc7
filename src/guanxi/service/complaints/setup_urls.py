"""The complaints' set-up pages, under service/complaints/setup/ (service.complaint_setup)."""

from django.urls import path

from guanxi.service.complaints import setup_views as views

urlpatterns = [
    path("", views.category_list, name="complaint_setup"),
    path("categories/new/", views.category_create, name="complaint_setup_category_create"),
    path(
        "categories/<int:parent>/items/new/",
        views.item_create,
        name="complaint_setup_item_create",
    ),
    path("categories/<int:pk>/", views.category_edit, name="complaint_setup_category_edit"),
    path(
        "categories/<int:pk>/active/",
        views.category_active,
        name="complaint_setup_category_active",
    ),
    path("routes/", views.route_list, name="complaint_setup_routes"),
    path("routes/new/", views.route_create, name="complaint_setup_route_create"),
    path("routes/<int:pk>/active/", views.route_active, name="complaint_setup_route_active"),
    path("routes/<int:pk>/delete/", views.route_delete, name="complaint_setup_route_delete"),
    path("sla/", views.sla_targets, name="complaint_setup_sla"),
    path("sla/clear/", views.sla_target_clear, name="complaint_setup_sla_clear"),
    path("settings/", views.settings_edit, name="complaint_setup_settings"),
]

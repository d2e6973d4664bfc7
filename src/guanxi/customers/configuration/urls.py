"""Customer-side configuration pages. Included by guanxi/urls.py under `accounts/admin/`
with the namespace `customer_settings` (so they sit beside the other admin pages)."""

from django.urls import path

from guanxi.customers.configuration import views

app_name = "customer_settings"
urlpatterns = [
    path("custom-fields/", views.custom_field_list, name="custom_fields"),
    path("custom-fields/new/", views.custom_field_create, name="custom_field_create"),
    path("custom-fields/<int:pk>/", views.custom_field_edit, name="custom_field_edit"),
    path("duplicate-rules/", views.duplicate_rule_list, name="duplicate_rules"),
    path(
        "duplicate-rules/<slug:field>/",
        views.duplicate_rule_toggle,
        name="duplicate_rule_toggle",
    ),
    path("tags/", views.tag_list, name="tags"),
    path("tags/new/", views.tag_create, name="tag_create"),
    path("tags/<int:pk>/", views.tag_edit, name="tag_edit"),
    path("tags/<int:pk>/delete/", views.tag_delete, name="tag_delete"),
    path("sources/", views.source_list, name="sources"),
    path("sources/new/", views.source_create, name="source_create"),
    path("sources/<int:pk>/", views.source_edit, name="source_edit"),
]

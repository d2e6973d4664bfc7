from django.urls import path

from guanxi.customers.archive import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("count/", views.customer_count, name="count"),
    path("filters/", views.customer_filter_fields, name="filter_fields"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("new/", views.customer_create, name="create"),
    path("recycle-bin/", views.recycle_bin, name="recycle_bin"),
    path("handover/", views.handover, name="handover"),
    path("<int:customer_id>/", views.customer_detail, name="detail"),
    path("<int:customer_id>/edit/", views.customer_edit, name="edit"),
    path("<int:customer_id>/timeline/", views.customer_timeline, name="timeline"),
    path("<int:customer_id>/reveal/<str:field>/", views.customer_reveal, name="reveal"),
    path("<int:customer_id>/contacts/add/", views.contact_add, name="contact_add"),
    path(
        "<int:customer_id>/contacts/<int:contact_id>/edit/",
        views.contact_edit,
        name="contact_edit",
    ),
    path(
        "<int:customer_id>/contacts/<int:contact_id>/delete/",
        views.contact_delete,
        name="contact_delete",
    ),
    path("<int:customer_id>/collaborators/add/", views.share_add, name="share_add"),
    path(
        "<int:customer_id>/collaborators/<int:user_id>/remove/",
        views.share_remove,
        name="share_remove",
    ),
    path("<int:customer_id>/attachments/add/", views.attachment_upload, name="attachment_add"),
    path(
        "<int:customer_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:customer_id>/attachments/<int:attachment_id>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("<int:customer_id>/owner/", views.customer_reassign, name="reassign"),
    path("<int:customer_id>/delete/", views.customer_delete, name="delete"),
    path("<int:customer_id>/restore/", views.customer_restore, name="restore"),
    path("<int:customer_id>/purge/", views.customer_purge, name="purge"),
    path("<int:customer_id>/merge/", views.customer_merge, name="merge"),
]

from django.urls import path

from guanxi.imports.exports import views

urlpatterns = [
    path("", views.export_list, name="export_list"),
    path("start/", views.export_start, name="export_start"),
    path("<int:job_id>/progress/", views.export_progress, name="export_progress"),
    path("<int:job_id>/download/", views.export_download, name="export_download"),
]

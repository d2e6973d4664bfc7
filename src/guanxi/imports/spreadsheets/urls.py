from django.urls import path

from guanxi.imports.spreadsheets import views

urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("<int:pk>/", views.batch_detail, name="batch_detail"),
    path("<int:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("<int:pk>/start/", views.batch_start, name="batch_start"),
    path("<int:pk>/cancel/", views.batch_cancel, name="batch_cancel"),
    path("<int:pk>/rollback/", views.batch_rollback, name="batch_rollback"),
    path("<int:pk>/template/", views.batch_template, name="batch_template"),
    path("<int:pk>/report/", views.batch_report, name="batch_report"),
]

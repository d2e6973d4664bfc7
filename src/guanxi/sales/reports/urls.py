from django.urls import path

from guanxi.sales.reports import views

urlpatterns = [
    path("home/", views.home, name="home"),
    path("manager/", views.manager_view, name="manager_view"),
    path("manager/export.xlsx", views.manager_export, name="manager_export"),
    path("targets/", views.targets, name="targets"),
]

from django.urls import path

from guanxi.satisfaction.scores import views

urlpatterns = [
    path("", views.report, name="report"),
    path("home-panel/", views.home_panel, name="home_panel"),
]

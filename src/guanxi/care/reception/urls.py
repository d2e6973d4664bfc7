from django.urls import path

from guanxi.care.reception import views

urlpatterns = [
    path("", views.register, name="reception"),
    path("log/", views.log, name="reception_log"),
    path("daily/", views.daily, name="reception_daily"),
    path("<int:pk>/", views.detail, name="reception_detail"),
    path("<int:pk>/edit/", views.edit, name="reception_edit"),
    path("<int:pk>/convert/", views.convert, name="reception_convert"),
    path("<int:pk>/link/", views.link, name="reception_link"),
    path("customer/<int:customer_id>/", views.customer_receptions, name="customer_receptions"),
]

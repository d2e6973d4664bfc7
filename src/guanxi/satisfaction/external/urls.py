from django.urls import path

from guanxi.satisfaction.external import views

urlpatterns = [
    path("", views.import_page, name="import"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
]

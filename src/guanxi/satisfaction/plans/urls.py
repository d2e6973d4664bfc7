from django.urls import path

from guanxi.satisfaction.plans import views

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_edit, name="plan_edit"),
]

from django.urls import path

from guanxi.satisfaction.surveys import views

urlpatterns = [
    path("templates/", views.template_list, name="template_list"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/v<int:number>/", views.template_version, name="template_version"),
    path("s/<str:token>/", views.answer, name="answer"),
    path("customers/<int:customer_id>/", views.customer_surveys, name="customer_surveys"),
    path("customers/<int:customer_id>/answer/", views.customer_answer, name="customer_answer"),
    path("customers/<int:customer_id>/send/", views.customer_send, name="customer_send"),
]

from django.urls import path

from guanxi.webhooks.subscriptions import views

urlpatterns = [
    path("", views.subscription_list, name="subscription_list"),
    path("new/", views.subscription_edit, name="subscription_new"),
    path("<int:pk>/", views.subscription_detail, name="subscription_detail"),
    path("<int:pk>/edit/", views.subscription_edit, name="subscription_edit"),
    path("<int:pk>/secret/", views.subscription_secret, name="subscription_secret"),
    path("<int:pk>/delete/", views.subscription_delete, name="subscription_delete"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("deliveries/<int:pk>/redeliver/", views.delivery_redeliver, name="delivery_redeliver"),
    path("hosts/", views.allowed_host_add, name="allowed_host_add"),
    path("hosts/<int:pk>/remove/", views.allowed_host_remove, name="allowed_host_remove"),
]

from django.urls import path

from guanxi.care.messages import views

urlpatterns = [
    path("", views.message_list, name="message_list"),
    path("<int:pk>/", views.message_detail, name="message_detail"),
    path("templates/", views.template_list, name="message_templates"),
    path("templates/new/", views.template_edit, name="message_template_new"),
    path("templates/<int:pk>/", views.template_edit, name="message_template"),
    path("templates/preview/", views.template_preview, name="message_template_preview"),
    path("customer/<int:customer_id>/", views.customer_messages, name="customer_messages"),
    path("customer/<int:customer_id>/consent/", views.consent_save, name="consent_save"),
    path("customer/<int:customer_id>/send/", views.message_send, name="message_send"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notifications_read"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("sms/inbound/", views.sms_inbound, name="sms_inbound"),
]

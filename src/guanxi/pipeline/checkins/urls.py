from django.urls import path

from guanxi.pipeline.checkins import views

urlpatterns = [
    path("checkins/", views.checkin_day, name="checkin_day"),
    path("checkins/<int:checkin_id>/photo/", views.checkin_photo, name="checkin_photo"),
    path("c/<int:customer_id>/checkin/", views.checkin_new, name="checkin_new"),
    path("c/<int:customer_id>/checkins/", views.customer_checkins, name="customer_checkins"),
    path("c/<int:customer_id>/location/", views.customer_location, name="customer_location"),
]

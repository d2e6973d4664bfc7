from django.urls import path

from guanxi.care.calendar import views

urlpatterns = [
    path("feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("feeds/", views.calendar_feed_create, name="calendar_feed_create"),
    path("feeds/<int:pk>/revoke/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
]

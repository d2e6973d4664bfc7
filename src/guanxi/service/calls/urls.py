from django.urls import path

from guanxi.service.calls import views

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("new/", views.call_create, name="call_create"),
    path("lookup/", views.lookup, name="call_lookup"),
    path("ringing/", views.ringing_poll, name="call_ringing"),
    path("<int:pk>/", views.call_detail, name="call_detail"),
]

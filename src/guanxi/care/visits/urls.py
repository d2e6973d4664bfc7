from django.urls import path

from guanxi.care.visits import views

urlpatterns = [
    path("", views.visit_list, name="visit_list"),
    path("<int:pk>/", views.visit_detail, name="visit_detail"),
    path("<int:pk>/do/", views.visit_do, name="visit_do"),
    path("<int:pk>/close/", views.visit_close, name="visit_close"),
    path("<int:pk>/track/", views.visit_track, name="visit_track"),
    path("<int:pk>/reassign/", views.visit_reassign, name="visit_reassign"),
    path("new/<int:customer_id>/", views.visit_create, name="visit_create"),
    path("customer/<int:customer_id>/", views.customer_visits, name="customer_visits"),
    path("rates/", views.visit_rates, name="visit_rates"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/new/", views.topic_edit, name="topic_create"),
    path("topics/<int:pk>/", views.topic_edit, name="topic_edit"),
    path("spot-checks/", views.spot_checks, name="spot_checks"),
    path("spot-checks/draw/", views.spot_check_draw, name="spot_check_draw"),
    path("spot-checks/settings/", views.spot_check_settings, name="spot_check_settings"),
    path("spot-checks/<int:pk>/result/", views.spot_check_result, name="spot_check_result"),
]

from django.urls import path

from guanxi.portal.complaints import views

urlpatterns = [
    path("service/", views.service_home, name="service"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("surveys/<int:pk>/", views.survey_open, name="survey"),
]

from django.urls import include, path

from guanxi.service.complaints import views

urlpatterns = [
    path("", views.complaint_list, name="complaint_list"),
    path("new/", views.complaint_create, name="complaint_create"),
    path("board/", views.sla_board, name="sla_board"),
    path("customer/<int:customer_id>/", views.customer_complaints, name="customer_complaints"),
    path("setup/", include("guanxi.service.complaints.setup_urls")),
    path("statistics/", views.complaint_stats, name="complaint_stats"),
    path("statistics/export/", views.complaint_stats_export, name="complaint_stats_export"),
    path("<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("<int:pk>/accept/", views.complaint_accept, name="complaint_accept"),
    path("<int:pk>/step/", views.complaint_step, name="complaint_step"),
    path("<int:pk>/route/", views.complaint_route, name="complaint_route"),
    path("<int:pk>/close/", views.complaint_close, name="complaint_close"),
    path("<int:pk>/reopen/", views.complaint_reopen, name="complaint_reopen"),
    path("<int:pk>/compensate/", views.complaint_compensate, name="complaint_compensate"),
]

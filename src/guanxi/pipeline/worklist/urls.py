from django.urls import path

from guanxi.pipeline.worklist import views

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("more/<str:section>/", views.worklist_more, name="worklist_more"),
    path("reminders/", views.worklist_extra, name="worklist_extra"),
    path("c/<int:customer_id>/followup/", views.followup_form, name="followup_form"),
    path("c/<int:customer_id>/followup/log/", views.followup_log, name="followup_log"),
]

from django.urls import path

from guanxi.pipeline.reports import views

urlpatterns = [
    path("funnel/", views.funnel, name="funnel"),
    path("funnel/export.xlsx", views.funnel_export, name="funnel_export"),
    path("team/", views.team, name="team"),
    path("team/export.xlsx", views.team_export, name="team_export"),
    path("team/quotas/", views.team_quotas, name="team_quotas"),
]

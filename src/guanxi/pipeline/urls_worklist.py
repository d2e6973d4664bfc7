from django.urls import path

from guanxi.pipeline import views_worklist as views

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("more/<str:section>/", views.worklist_more, name="worklist_more"),
    path("guidance/", views.stage_guidance, name="stage_guidance"),
    path("script-suggestions/", views.script_suggestions, name="script_suggestions"),
    path("c/<int:customer_id>/followup/", views.followup_form, name="followup_form"),
    path("c/<int:customer_id>/followup/log/", views.followup_log, name="followup_log"),
    path("c/<int:customer_id>/stage/", views.panel_stage, name="panel_stage"),
    path("c/<int:customer_id>/grade/", views.panel_grade, name="panel_grade"),
    path("c/<int:customer_id>/man/", views.panel_man, name="panel_man"),
    path("c/<int:customer_id>/quality/", views.panel_quality, name="panel_quality"),
    path("c/<int:customer_id>/referrer/", views.panel_referrer, name="panel_referrer"),
    path("c/<int:customer_id>/tracking/", views.panel_tracking, name="panel_tracking"),
    path("c/<int:customer_id>/lock/", views.panel_lock, name="panel_lock"),
]

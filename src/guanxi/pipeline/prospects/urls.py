from django.urls import path

from guanxi.pipeline.prospects import views

urlpatterns = [
    path("guidance/", views.stage_guidance, name="stage_guidance"),
    path("script-suggestions/", views.script_suggestions, name="script_suggestions"),
    path("c/<int:customer_id>/panel/", views.panel_prospect, name="panel_prospect"),
    path("c/<int:customer_id>/stage/", views.panel_stage, name="panel_stage"),
    path("c/<int:customer_id>/grade/", views.panel_grade, name="panel_grade"),
    path("c/<int:customer_id>/man/", views.panel_man, name="panel_man"),
    path("c/<int:customer_id>/quality/", views.panel_quality, name="panel_quality"),
    path("c/<int:customer_id>/referrer/", views.panel_referrer, name="panel_referrer"),
    path("c/<int:customer_id>/tracking/", views.panel_tracking, name="panel_tracking"),
    path("c/<int:customer_id>/lock/", views.panel_lock, name="panel_lock"),
    path("objections/", views.objections_open, name="objections"),
    path("objections/<int:pk>/outcome/", views.objection_outcome, name="objection_outcome"),
]

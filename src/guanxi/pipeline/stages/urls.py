from django.urls import path

from guanxi.pipeline.stages import views

urlpatterns = [
    path("", views.stage_admin, name="stage_admin"),
    path("guidance/load/", views.stage_guidance_load, name="stage_guidance_load"),
]

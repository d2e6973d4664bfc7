from django.urls import path

from guanxi.pipeline.scripts import views

urlpatterns: list = [
    path("", views.script_list, name="scripts"),
    path("new/", views.script_create, name="script_create"),
    path("suggest/", views.script_suggest, name="script_suggest"),
    path("<int:script_id>/edit/", views.script_edit, name="script_edit"),
    path("<int:script_id>/deactivate/", views.script_deactivate, name="script_deactivate"),
    path("<int:script_id>/vote/", views.script_vote, name="script_vote"),
]

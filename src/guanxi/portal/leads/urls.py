from django.urls import path

from guanxi.portal.leads import views

urlpatterns = [
    path("f/<str:key>/", views.lead_form, name="lead_form"),
    path("f/<str:key>/thanks/", views.lead_thanks, name="lead_thanks"),
    path("f/<str:key>/embed.js", views.lead_embed_js, name="lead_embed_js"),
    path("forms/", views.form_list, name="form_list"),
    path("forms/new/", views.form_create, name="form_create"),
    path("forms/<int:pk>/", views.form_detail, name="form_detail"),
    path("forms/<int:pk>/edit/", views.form_edit, name="form_edit"),
]

from django.urls import path

from guanxi.care.rules import views

urlpatterns = [
    path("", views.rule_list, name="rule_list"),
    path("new/", views.rule_create, name="rule_create"),
    path("<int:pk>/", views.rule_edit, name="rule_edit"),
    path("<int:pk>/switch/", views.rule_switch, name="rule_switch"),
    path("weather/", views.weather_issue, name="weather_issue"),
]

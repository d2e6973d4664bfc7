from django.urls import path

from guanxi.portal.account import views

urlpatterns = [
    path("", views.home, name="home"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
    path("contracts/<int:pk>/pdf/", views.contract_pdf, name="contract_pdf"),
]

from django.urls import path

from guanxi.sales.approvals import views

urlpatterns: list = [
    path("", views.approval_queue, name="approval_queue"),
    path("<int:approval_id>/", views.approval_detail, name="approval_detail"),
    path("<int:approval_id>/decide/", views.approval_decide, name="approval_decide"),
    path("record/<str:target>/<int:pk>/", views.approval_panel, name="approval_panel"),
    path(
        "record/<str:target>/<int:pk>/withdraw/",
        views.approval_withdraw,
        name="approval_withdraw",
    ),
    path("flows/", views.flow_list, name="approval_flows"),
    path("flows/new/", views.flow_create, name="approval_flow_create"),
    path("flows/step-row/", views.flow_step_row, name="approval_flow_step_row"),
    path("flows/<int:flow_id>/", views.flow_edit, name="approval_flow_edit"),
    path("flows/<int:flow_id>/active/", views.flow_toggle, name="approval_flow_toggle"),
]

from django.urls import path

from guanxi.accounts import calendar_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.password_change, name="password_change"),
    path("profile/language/", views.language_change, name="language"),
    path("profile/time-zone/", views.time_zone_change, name="time_zone"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("admin/", views.admin_home, name="admin_home"),
    path("admin/departments/", views.department_list, name="departments"),
    path("admin/departments/new/", views.department_create, name="department_create"),
    path("admin/departments/<int:pk>/", views.department_edit, name="department_edit"),
    path("admin/departments/<int:pk>/delete/", views.department_delete, name="department_delete"),
    path("admin/users/", views.user_list, name="users"),
    path("admin/users/new/", views.user_create, name="user_create"),
    path("admin/users/<int:pk>/", views.user_edit, name="user_edit"),
    path("admin/users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("admin/users/<int:pk>/password/", views.user_reset_password, name="user_reset_password"),
    path("admin/tokens/", views.token_admin_list, name="tokens"),
    path("admin/tokens/<int:pk>/revoke/", views.token_admin_revoke, name="token_admin_revoke"),
    path("admin/roles/", views.role_list, name="roles"),
    path("admin/roles/<int:pk>/", views.role_edit, name="role_edit"),
    path("admin/audit/", views.audit_log, name="audit"),
    path("admin/calendar/", calendar_views.calendar_year_list, name="calendar"),
    path("admin/calendar/<int:year>/", calendar_views.calendar_year, name="calendar_year"),
    path(
        "admin/calendar/<int:year>/<str:date>/remove/",
        calendar_views.calendar_day_delete,
        name="calendar_day_delete",
    ),
]

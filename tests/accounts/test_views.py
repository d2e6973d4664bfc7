"""Account pages: login/logout, profile (password, language, tokens), administration."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from guanxi.accounts.demo import DEMO_PASSWORD
from guanxi.accounts.models import ApiToken, Department, Role, User
from guanxi.core.models import AuditLog

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
NEW_PASSWORD = "Lanterns-and-Tea-2026"


# ---------------------------------------------------------------- login / logout


def test_login_page_renders_with_language_switch(client, org):
    response = client.get(LOGIN)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'name="username"' in text and 'name="password"' in text
    assert "csrfmiddlewaretoken" in text
    assert 'action="/i18n/setlang/"' in text


def test_login_success_redirects_and_records(client, sales1a):
    response = client.post(LOGIN, {"username": "sales1a", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(sales1a.pk)
    assert AuditLog.objects.filter(action=AuditLog.Action.LOGIN, actor=sales1a).exists()


def test_wrong_password_shows_a_generic_error(client, sales1a):
    response = client.post(
        LOGIN, {"username": "sales1a", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "The username or password is wrong." in response.content.decode()
    # An unknown user gets the very same message.
    response = client.post(
        LOGIN, {"username": "ghost", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "The username or password is wrong." in response.content.decode()


def test_inactive_user_cannot_log_in(client, sales1a):
    User.objects.filter(pk=sales1a.pk).update(is_active=False)
    client.post(LOGIN, {"username": "sales1a", "password": DEMO_PASSWORD})
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/accounts/profile/", "/accounts/profile/"),
        ("https://evil.example.com/phish", "/"),
        ("//evil.example.com/", "/"),
        ("", "/"),
    ],
)
def test_next_url_is_followed_only_when_local(client, sales1a, next_url, expected):
    response = client.post(
        LOGIN, {"username": "sales1a", "password": DEMO_PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == expected


def test_logout_is_post_only(client_for, sales1a):
    client = client_for(sales1a)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/accounts/profile/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get("/accounts/profile/").status_code == 302


def test_anonymous_is_sent_to_login(client, org):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# ---------------------------------------------------------------- profile


def test_profile_shows_department_roles_and_scope(client_for, sales1a):
    response = client_for(sales1a).get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert "销售一部" in text
    assert "销售顾问" in text or "Sales consultant" in text


def test_password_change_with_wrong_old_password_is_refused(client_for, sales1a):
    client = client_for(sales1a)
    response = client.post(
        "/accounts/profile/password/",
        {"old_password": "wrong", "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 422
    sales1a.refresh_from_db()
    assert sales1a.check_password(DEMO_PASSWORD)


def test_password_change_mismatch_is_refused(client_for, sales1a):
    response = client_for(sales1a).post(
        "/accounts/profile/password/",
        {"old_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD, "new_password2": "x"},
    )
    assert response.status_code == 422
    sales1a.refresh_from_db()
    assert sales1a.check_password(DEMO_PASSWORD)


def test_password_change_keeps_the_session(client_for, sales1a):
    client = client_for(sales1a)
    response = client.post(
        "/accounts/profile/password/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    sales1a.refresh_from_db()
    assert sales1a.check_password(NEW_PASSWORD)
    assert client.get("/accounts/profile/").status_code == 200


def test_language_preference_is_saved_and_activated(client_for, sales1a):
    client = client_for(sales1a)
    response = client.post("/accounts/profile/language/", {"language": "en"})
    assert response.status_code == 302
    sales1a.refresh_from_db()
    assert sales1a.language == "en"
    page = client.get("/accounts/profile/").content.decode()
    assert '<html lang="en">' in page
    client.post("/accounts/profile/language/", {"language": "xx"})
    sales1a.refresh_from_db()
    assert sales1a.language == "en"


def test_token_create_shows_the_raw_key_once_and_stores_its_hash(client_for, sales1a):
    client = client_for(sales1a)
    response = client.post("/accounts/profile/tokens/", {"name": "call centre"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=sales1a)
    raw = response.context["new_token_raw"]
    assert raw.startswith("gx_") and raw in response.content.decode()
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {token.name, token.key_prefix, token.key_hash}
    # Never shown again.
    assert raw not in client.get("/accounts/profile/").content.decode()


def test_token_revoke_own_only(client_for, sales1a, sales1b):
    client = client_for(sales1a)
    client.post("/accounts/profile/tokens/", {"name": "mine"})
    token = ApiToken.objects.get(user=sales1a)
    assert client.get(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 405
    assert (
        client_for(sales1b).post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404
    )
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_without_name_is_refused(client_for, sales1a):
    response = client_for(sales1a).post("/accounts/profile/tokens/", {"name": " "})
    assert response.status_code == 422
    assert not ApiToken.objects.filter(user=sales1a).exists()


# ---------------------------------------------------------------- administration


ADMIN_GETS = [
    "/accounts/admin/",
    "/accounts/admin/departments/",
    "/accounts/admin/departments/new/",
    "/accounts/admin/users/",
    "/accounts/admin/users/?q=sales&active=yes",
    "/accounts/admin/users/new/",
    "/accounts/admin/roles/",
    "/accounts/admin/audit/",
    "/accounts/admin/custom-fields/",
    "/accounts/admin/custom-fields/new/",
    "/accounts/admin/duplicate-rules/",
    "/accounts/admin/tags/",
    "/accounts/admin/sources/",
    "/accounts/admin/sources/new/",
]


@pytest.mark.parametrize("url", ADMIN_GETS)
def test_admin_pages_render_for_the_admin(client_for, admin_user, url):
    assert client_for(admin_user).get(url).status_code == 200


@pytest.mark.parametrize("url", ADMIN_GETS)
def test_admin_pages_are_403_for_a_consultant(client_for, sales1a, url):
    assert client_for(sales1a).get(url).status_code == 403


def _snapshot():
    return {
        "departments": sorted(Department.objects.values_list("id", "name", "parent_id", "path")),
        "users": sorted(
            User.objects.values_list("id", "username", "is_active", "department_id", "password")
        ),
        "roles": sorted(
            (r.id, r.name, r.data_scope, tuple(r.permissions)) for r in Role.objects.all()
        ),
    }


def test_admin_posts_by_a_consultant_change_nothing(client_for, sales1a, sales1b):
    client = client_for(sales1a)
    before = _snapshot()
    role = Role.objects.get(code="consultant")
    department = sales1a.department
    posts = [
        ("/accounts/admin/departments/new/", {"name": "Rogue"}),
        (f"/accounts/admin/departments/{department.pk}/", {"name": "Renamed"}),
        (f"/accounts/admin/departments/{department.pk}/delete/", {}),
        ("/accounts/admin/users/new/", {"username": "rogue", "password": NEW_PASSWORD}),
        (f"/accounts/admin/users/{sales1b.pk}/", {"display_name": "x", "is_active": ""}),
        (
            f"/accounts/admin/users/{sales1b.pk}/password/",
            {"new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        ),
        (f"/accounts/admin/roles/{role.pk}/", {"name": "x", "data_scope": "all"}),
        ("/accounts/admin/tags/new/", {"name": "rogue", "color": "red"}),
        ("/accounts/admin/duplicate-rules/email/", {"active": "0"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert _snapshot() == before


def test_department_create_edit_delete(client_for, admin_user):
    client = client_for(admin_user)
    sales = Department.objects.get(name="销售中心")
    response = client.post(
        "/accounts/admin/departments/new/", {"name": "销售三部", "parent": sales.pk}
    )
    assert response.status_code == 302
    new = Department.objects.get(name="销售三部")
    assert new.parent == sales and new.depth == 1
    page = client.get("/accounts/admin/departments/").content.decode()
    assert "销售三部" in page
    response = client.post(
        f"/accounts/admin/departments/{new.pk}/",
        {"name": "大客户部", "parent": "", "manager": admin_user.pk},
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert (new.name, new.parent_id, new.manager_id) == ("大客户部", None, admin_user.pk)
    assert client.post(f"/accounts/admin/departments/{new.pk}/delete/").status_code == 302
    assert not Department.objects.filter(pk=new.pk).exists()


def test_department_delete_with_members_is_refused(client_for, admin_user, sales1a):
    client = client_for(admin_user)
    department = sales1a.department
    response = client.post(f"/accounts/admin/departments/{department.pk}/delete/", follow=True)
    assert Department.objects.filter(pk=department.pk).exists()
    assert list(response.context["messages"])


def test_department_move_under_itself_is_refused(client_for, admin_user):
    client = client_for(admin_user)
    sales = Department.objects.get(name="销售中心")
    sales1 = Department.objects.get(name="销售一部")
    path_before = sales.path
    for parent in (sales, sales1):
        response = client.post(
            f"/accounts/admin/departments/{sales.pk}/", {"name": "销售中心", "parent": parent.pk}
        )
        assert response.status_code == 422
        assert response.context["form"].errors["parent"]
    sales.refresh_from_db()
    assert sales.parent_id is None and sales.path == path_before


def test_create_user_with_bad_mobile_is_refused_and_creates_nothing(client_for, admin_user):
    before = User.objects.count()
    response = client_for(admin_user).post(
        "/accounts/admin/users/new/",
        {"username": "newbie", "display_name": "新人", "mobile": "12345", "password": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["mobile"]
    assert User.objects.count() == before


def test_create_user_with_roles(client_for, admin_user, sales1a):
    consultant = Role.objects.get(code="consultant")
    response = client_for(admin_user).post(
        "/accounts/admin/users/new/",
        {
            "username": "newbie",
            "display_name": "新人",
            "mobile": "138 0013 8000",
            "email": "newbie@example.com",
            "department": sales1a.department_id,
            "reports_to": sales1a.reports_to_id,
            "roles": [consultant.pk],
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.mobile == "+8613800138000"
    assert list(user.roles.all()) == [consultant]
    assert user.check_password(NEW_PASSWORD)


def test_create_user_with_weak_password_is_refused(client_for, admin_user):
    response = client_for(admin_user).post(
        "/accounts/admin/users/new/", {"username": "weak", "password": "123"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(username="weak").exists()


def test_deactivating_a_user_keeps_their_records(client_for, admin_user, sales1a, make_customer):
    customer = make_customer(sales1a, name="张三")
    consultant = Role.objects.get(code="consultant")
    response = client_for(admin_user).post(
        f"/accounts/admin/users/{sales1a.pk}/",
        {
            "display_name": sales1a.display_name,
            "department": sales1a.department_id,
            "reports_to": sales1a.reports_to_id,
            "roles": [consultant.pk],
        },
    )
    assert response.status_code == 302
    sales1a.refresh_from_db()
    assert not sales1a.is_active
    customer.refresh_from_db()
    assert customer.owner_id == sales1a.pk


def test_admin_cannot_deactivate_themself(client_for, admin_user):
    response = client_for(admin_user).post(
        f"/accounts/admin/users/{admin_user.pk}/", {"display_name": "x"}
    )
    assert response.status_code == 422
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_admin_resets_a_password(client_for, admin_user, sales1a):
    response = client_for(admin_user).post(
        f"/accounts/admin/users/{sales1a.pk}/password/",
        {"new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    sales1a.refresh_from_db()
    assert sales1a.check_password(NEW_PASSWORD)


def test_role_edit_changes_scope_and_is_audited(client_for, admin_user, sales1a):
    role = Role.objects.get(code="consultant")
    response = client_for(admin_user).post(
        f"/accounts/admin/roles/{role.pk}/",
        {"name": role.name, "data_scope": "department", "permissions": ["customer.export"]},
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.data_scope == "department"
    assert role.permissions == ["customer.export"]
    entry = AuditLog.objects.filter(action=AuditLog.Action.PERMISSION, target_id=str(role.pk)).get()
    assert entry.actor == admin_user
    page = client_for(admin_user).get("/accounts/admin/audit/?action=permission")
    assert entry in page.context["rows"]


def test_role_edit_rejects_unknown_permission(client_for, admin_user):
    role = Role.objects.get(code="consultant")
    response = client_for(admin_user).post(
        f"/accounts/admin/roles/{role.pk}/",
        {"name": role.name, "data_scope": "all", "permissions": ["god.mode"]},
    )
    assert response.status_code == 422
    role.refresh_from_db()
    assert role.data_scope == "own"


def test_audit_log_needs_its_own_permission(client_for, manager):
    assert client_for(manager).get("/accounts/admin/audit/").status_code == 403


def test_customer_relations_reaches_settings_but_not_users(client_for, relations):
    client = client_for(relations)
    assert client.get("/accounts/admin/").status_code == 200
    assert client.get("/accounts/admin/tags/").status_code == 200
    assert client.get("/accounts/admin/users/").status_code == 403


# ---------------------------------------------------------------- createadmin


def test_createadmin_non_interactive(org):
    out = io.StringIO()
    call_command(
        "createadmin",
        "--username",
        "boss",
        "--password",
        NEW_PASSWORD,
        "--department",
        "总经办",
        stdout=out,
    )
    user = User.objects.get(username="boss")
    assert user.check_password(NEW_PASSWORD)
    assert [r.code for r in user.roles.all()] == ["admin"]
    assert user.department.name == "总经办"
    assert "boss" in out.getvalue()


def test_createadmin_without_password_outside_a_terminal_fails(org, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError):
        call_command("createadmin", "--username", "boss")
    assert not User.objects.filter(username="boss").exists()


def test_createadmin_refuses_existing_and_weak(org):
    with pytest.raises(CommandError):
        call_command("createadmin", "--username", "admin", "--password", NEW_PASSWORD)
    with pytest.raises(CommandError):
        call_command("createadmin", "--username", "boss", "--password", "123")
    assert not User.objects.filter(username="boss").exists()

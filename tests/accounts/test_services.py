"""Account services used by the pages: departments, users, roles, tokens."""

import hashlib

import pytest

from guanxi.accounts import services
from guanxi.accounts.errors import DepartmentCycle
from guanxi.accounts.models import ApiToken, Department, Role, User
from guanxi.accounts.selectors import audit_log_page, token_for_key, user_list
from guanxi.core.errors import ValidationFailed
from guanxi.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_department_cannot_move_under_itself_or_its_child(org):
    sales = Department.objects.get(name="销售中心")
    sales1 = Department.objects.get(name="销售一部")
    with pytest.raises(DepartmentCycle):
        services.department_update(department=sales, name=sales.name, parent=sales)
    with pytest.raises(DepartmentCycle):
        services.department_update(department=sales, name=sales.name, parent=sales1)
    sales.refresh_from_db()
    assert sales.parent_id is None


def test_department_move_rewrites_paths_of_the_subtree(org):
    hq = Department.objects.get(name="总经办")
    sales = Department.objects.get(name="销售中心")
    services.department_update(department=sales, name=sales.name, parent=hq)
    sales1 = Department.objects.get(name="销售一部")
    assert sales1.path == f"/{hq.pk}/{sales.pk}/{sales1.pk}/"
    assert sales1.depth == 2


def test_department_names_are_checked_alike_when_created_and_when_changed(org):
    sales = Department.objects.get(name="销售中心")
    sales1 = Department.objects.get(name="销售一部")
    for write in (
        lambda name: services.department_create(name=name, parent=sales),
        lambda name: services.department_update(department=sales1, name=name, parent=sales),
    ):
        with pytest.raises(ValidationFailed) as blank:
            write("  ")
        assert blank.value.field_errors == {"name": ["请输入名称。"]}
        with pytest.raises(ValidationFailed) as taken:
            write(" 销售二部 ")
        assert taken.value.field_errors == {"name": ["同一上级部门下已存在同名部门。"]}
    # the same name elsewhere, and a department keeping its own name, are fine
    assert services.department_create(name=" 销售一部 ", parent=None).name == "销售一部"
    kept = services.department_update(department=sales1, name="销售一部", parent=sales)
    assert kept.name == "销售一部" and kept.parent_id == sales.pk


def test_user_create_refuses_a_weak_password_on_its_field(org):
    with pytest.raises(ValidationFailed) as refused:
        services.user_create(username="newcomer", password="123")
    assert set(refused.value.field_errors) == {"password"}
    assert not User.objects.filter(username="newcomer").exists()


def test_token_stores_only_the_hash(sales1a):
    token, raw = services.token_create(user=sales1a, name="phone system")
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(ApiToken.PREFIX)
    stored = (
        ApiToken.objects.filter(pk=token.pk).values_list("name", "key_prefix", "key_hash").get()
    )
    assert raw not in stored
    assert token_for_key(raw=raw).user == sales1a
    services.token_revoke(token=token, actor=sales1a)
    assert token_for_key(raw=raw) is None


def test_user_create_with_bad_mobile_creates_nothing(org):
    before = User.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.user_create(username="newbie", password="Xq7!long-pass", mobile="12345")
    assert "mobile" in caught.value.field_errors
    assert User.objects.count() == before


def test_role_update_is_audited(admin_user):
    role = Role.objects.get(code="consultant")
    services.role_update(
        role=role, actor=admin_user, name=role.name, data_scope="department", permissions=[]
    )
    role.refresh_from_db()
    assert role.data_scope == "department"
    entry = AuditLog.objects.filter(action=AuditLog.Action.PERMISSION).latest("id")
    assert entry.actor == admin_user and entry.target_id == str(role.pk)


def test_user_list_filters(org, sales1a, sales2a):
    sales1 = sales1a.department
    consultant = Role.objects.get(code="consultant")
    names = {u.username for u in user_list(department_id=sales1.pk)}
    assert names == {"sales1a", "sales1b"}
    assert {u.username for u in user_list(role_id=consultant.pk)} == {
        "sales1a",
        "sales1b",
        "sales2a",
        "sales2b",
    }
    assert {u.username for u in user_list(q="陈刚")} == {"sales2a"}
    User.objects.filter(pk=sales2a.pk).update(is_active=False)
    assert {u.username for u in user_list(active="no")} == {"sales2a"}


def test_audit_log_page_is_keyset_paged(admin_user):
    for n in range(5):
        AuditLog.objects.create(actor=admin_user, action=AuditLog.Action.EXPORT, summary=str(n))
    first, before = audit_log_page(action=AuditLog.Action.EXPORT, limit=2)
    assert [r.summary for r in first] == ["4", "3"]
    second, before2 = audit_log_page(action=AuditLog.Action.EXPORT, before_id=before, limit=2)
    assert [r.summary for r in second] == ["2", "1"]
    third, end = audit_log_page(action=AuditLog.Action.EXPORT, before_id=before2, limit=2)
    assert [r.summary for r in third] == ["0"] and end is None

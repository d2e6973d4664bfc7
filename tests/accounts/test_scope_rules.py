"""Data scope rules (数据权限, SPEC "Roles"): the five widths, unions, subordinates, trees."""

import pytest

from guanxi.accounts.models import Department, Role, User
from guanxi.accounts.permissions import EDIT_OTHERS
from guanxi.accounts.selectors import scope_for_user, users_in_scope
from guanxi.accounts.services import department_create, department_update, user_update
from guanxi.core.scope import DataScope, Scope, apply_scope
from tests.accounts.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user) -> User:
    # The scope is cached on the user object; a new request loads the user again.
    return User.objects.get(pk=user.pk)


@pytest.fixture
def tree(org):
    sales = Department.objects.get(name="销售中心")
    return {
        "sales": sales,
        "sales1": Department.objects.get(name="销售一部", parent=sales),
        "sales2": Department.objects.get(name="销售二部", parent=sales),
        "marketing": Department.objects.get(name="市场部"),
    }


def test_own(tree):
    user = UserFactory(
        username="u-own", department=tree["sales1"], roles=[RoleFactory(data_scope=DataScope.OWN)]
    )
    scope = scope_for_user(user=user)
    assert scope == Scope(user_id=user.pk, owner_ids=frozenset({user.pk}))
    assert not scope.covers(owner_id=user.pk + 999, department_id=tree["sales1"].pk)


def test_own_and_subordinates_is_recursive(tree):
    boss = UserFactory(
        username="boss",
        department=tree["sales"],
        roles=[RoleFactory(data_scope=DataScope.OWN_AND_SUBORDINATES)],
    )
    middle = UserFactory(username="middle", department=tree["sales1"], reports_to=boss)
    bottom = UserFactory(username="bottom", department=tree["sales1"], reports_to=middle)
    bottom2 = UserFactory(username="bottom2", department=tree["sales2"], reports_to=bottom)
    UserFactory(username="outsider", department=tree["sales1"])
    scope = scope_for_user(user=boss)
    assert scope.owner_ids == {boss.pk, middle.pk, bottom.pk, bottom2.pk}
    assert scope.department_ids == frozenset()
    # A middle manager with the same role sees below, never above.
    user_update(
        user=middle,
        actor=None,
        display_name="",
        department=tree["sales1"],
        reports_to=boss,
        roles=[Role.objects.get(code=f"t-{DataScope.OWN_AND_SUBORDINATES}")],
    )
    assert scope_for_user(user=_fresh(middle)).owner_ids == {middle.pk, bottom.pk, bottom2.pk}


def test_reporting_cycle_does_not_hang(tree):
    role = RoleFactory(data_scope=DataScope.OWN_AND_SUBORDINATES)
    a = UserFactory(username="cyc-a", department=tree["sales1"], roles=[role])
    b = UserFactory(username="cyc-b", department=tree["sales1"], reports_to=a)
    User.objects.filter(pk=a.pk).update(reports_to=b)
    assert scope_for_user(user=_fresh(a)).owner_ids == {a.pk, b.pk}


def test_department(tree):
    user = UserFactory(
        username="u-dept",
        department=tree["sales"],
        roles=[RoleFactory(data_scope=DataScope.DEPARTMENT)],
    )
    scope = scope_for_user(user=user)
    assert scope.department_ids == {tree["sales"].pk}
    assert not scope.covers(owner_id=None, department_id=tree["sales1"].pk)


def test_department_without_department_sees_only_own(tree):
    user = UserFactory(username="u-nodept", roles=[RoleFactory(data_scope=DataScope.DEPARTMENT)])
    assert scope_for_user(user=user).department_ids == frozenset()
    assert scope_for_user(user=user).owner_ids == {user.pk}


def test_department_tree(tree):
    user = UserFactory(
        username="u-tree",
        department=tree["sales"],
        roles=[RoleFactory(data_scope=DataScope.DEPARTMENT_TREE)],
    )
    assert scope_for_user(user=user).department_ids == {
        tree["sales"].pk,
        tree["sales1"].pk,
        tree["sales2"].pk,
    }
    leaf = UserFactory(
        username="u-leaf",
        department=tree["sales1"],
        roles=[Role.objects.get(code="t-department_tree")],
    )
    assert scope_for_user(user=leaf).department_ids == {tree["sales1"].pk}


def test_all(tree):
    user = UserFactory(
        username="u-all",
        department=tree["marketing"],
        roles=[RoleFactory(data_scope=DataScope.ALL)],
    )
    scope = scope_for_user(user=user)
    assert scope.sees_all
    assert scope.covers(owner_id=None, department_id=None)


def test_no_role_sees_own_only(tree):
    user = UserFactory(username="u-none", department=tree["sales1"])
    scope = scope_for_user(user=user)
    assert not scope.sees_all
    assert scope.owner_ids == {user.pk}
    assert scope.department_ids == frozenset()


def test_union_of_two_roles(tree):
    boss = UserFactory(
        username="u-union",
        department=tree["sales2"],
        roles=[
            RoleFactory(data_scope=DataScope.OWN_AND_SUBORDINATES),
            RoleFactory(data_scope=DataScope.DEPARTMENT),
        ],
    )
    report = UserFactory(username="u-union-report", department=tree["sales1"], reports_to=boss)
    scope = scope_for_user(user=boss)
    assert scope.owner_ids == {boss.pk, report.pk}
    assert scope.department_ids == {tree["sales2"].pk}
    assert scope.covers(owner_id=report.pk, department_id=tree["sales1"].pk)
    assert scope.covers(owner_id=None, department_id=tree["sales2"].pk)
    assert not scope.covers(owner_id=None, department_id=tree["sales1"].pk)


def test_all_wins_in_a_union(tree):
    user = UserFactory(
        username="u-all2",
        department=tree["sales1"],
        roles=[RoleFactory(data_scope=DataScope.OWN), RoleFactory(data_scope=DataScope.ALL)],
    )
    assert scope_for_user(user=user).sees_all


def test_department_tree_follows_a_moved_subtree(tree):
    role = RoleFactory(data_scope=DataScope.DEPARTMENT_TREE)
    head = UserFactory(username="u-head", department=tree["sales"], roles=[role])
    south = department_create(name="华南区", parent=None)
    shenzhen = department_create(name="深圳组", parent=south)
    team = department_create(name="一组", parent=shenzhen)
    assert scope_for_user(user=head).department_ids == {
        tree["sales"].pk,
        tree["sales1"].pk,
        tree["sales2"].pk,
    }
    department_update(department=south, name="华南区", parent=tree["sales"])
    team.refresh_from_db()
    assert team.path == f"{tree['sales'].path}{south.pk}/{shenzhen.pk}/{team.pk}/"
    assert scope_for_user(user=_fresh(head)).department_ids == {
        tree["sales"].pk,
        tree["sales1"].pk,
        tree["sales2"].pk,
        south.pk,
        shenzhen.pk,
        team.pk,
    }
    # Moving it out again takes it out of the head's scope.
    department_update(department=south, name="华南区", parent=None)
    assert team.pk not in scope_for_user(user=_fresh(head)).department_ids
    team.refresh_from_db()
    assert team.path == f"/{south.pk}/{shenzhen.pk}/{team.pk}/"


def test_department_cannot_move_under_itself(tree):
    from guanxi.accounts.errors import DepartmentCycle

    child = department_create(name="子部门", parent=tree["sales1"])
    with pytest.raises(DepartmentCycle):
        department_update(department=tree["sales1"], name="销售一部", parent=child)
    with pytest.raises(DepartmentCycle):
        department_update(department=tree["sales1"], name="销售一部", parent=tree["sales1"])
    tree["sales1"].refresh_from_db()
    assert tree["sales1"].parent_id == tree["sales"].pk


def test_inactive_user_sees_nothing(tree, sales1a, make_customer):
    make_customer(sales1a, name="张三")
    admin_role = Role.objects.get(code="admin")
    user = UserFactory(username="u-gone", department=tree["sales1"], roles=[admin_role])
    User.objects.filter(pk=user.pk).update(is_active=False)
    gone = _fresh(user)
    assert scope_for_user(user=gone) == Scope.nothing()
    assert not users_in_scope(user=gone).exists()

    from guanxi.customers.models import Customer

    assert apply_scope(Customer.objects.all(), scope_for_user(user=gone)).count() == 0
    assert not Customer.objects.visible_to(gone).exists()
    assert not Customer.objects.editable_by(gone, action=EDIT_OTHERS).exists()


def test_anonymous_sees_nothing(org):
    from django.contrib.auth.models import AnonymousUser

    from guanxi.customers.models import Customer

    assert scope_for_user(user=AnonymousUser()) == Scope.nothing()
    assert not Customer.objects.visible_to(AnonymousUser()).exists()


def test_role_change_takes_effect_on_next_load(tree, sales1a, sales2a, make_customer):
    from guanxi.customers.models import Customer

    theirs = make_customer(sales2a, name="李四")
    assert not Customer.objects.visible_to(sales1a).filter(pk=theirs.pk).exists()
    user_update(
        user=sales1a,
        actor=None,
        display_name=sales1a.display_name,
        department=sales1a.department,
        reports_to=sales1a.reports_to,
        roles=[Role.objects.get(code="manager")],
    )
    # user_update forgets the cached scope on the object it was given.
    assert Customer.objects.visible_to(sales1a).filter(pk=theirs.pk).exists() is False
    assert scope_for_user(user=sales1a).department_ids == {tree["sales1"].pk}

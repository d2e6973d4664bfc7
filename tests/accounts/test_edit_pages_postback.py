"""The administration and profile pages' edit forms, opened and saved unchanged as a browser
does it (tests/postback.py): the page takes them and nothing changes."""

import pytest
from django.urls import reverse

from guanxi.accounts.models import Department, Role, User
from tests.accounts.factories import UserFactory
from tests.postback import LANGUAGES, EditPage, save_unchanged

pytestmark = pytest.mark.django_db


def _user_state(user):
    def state():
        fresh = User.objects.get(pk=user.pk)
        return {"roles": sorted(fresh.roles.values_list("pk", flat=True))}

    return state


def _user_page(org, user) -> EditPage:
    return EditPage(
        user=org["admin"],
        url=reverse("accounts:user_edit", args=[user.pk]),
        records=[user, _user_state(user)],
        # the admin reads the pages in the language under test; the edited user keeps theirs
        volatile=frozenset({"last_login"}),
    )


def _department_page(org, department) -> EditPage:
    return EditPage(
        user=org["admin"],
        url=reverse("accounts:department_edit", args=[department.pk]),
        records=[department],
    )


def _role_page(org, role) -> EditPage:
    def permissions():
        # a set: role_update keeps it sorted, the shipped roles list it as written
        return sorted(Role.objects.get(pk=role.pk).permissions)

    return EditPage(
        user=org["admin"],
        url=reverse("accounts:role_edit", args=[role.pk]),
        records=[role, permissions],
        volatile=frozenset({"permissions"}),
    )


def _left(org) -> User:
    """A manager who has left the company (deactivated)."""
    gone = UserFactory(
        username="gone", display_name="离职经理", department=org["manager"].department
    )
    User.objects.filter(pk=gone.pk).update(is_active=False)
    return User.objects.get(pk=gone.pk)


def user_full(org) -> EditPage:
    user = UserFactory(
        username="wangfang",
        display_name="王芳",
        mobile="13800000001",
        email="wangfang@example.com",
        department=org["sales1a"].department,
        reports_to=org["manager"],
        roles=list(Role.objects.order_by("pk")[:2]),
    )
    return _user_page(org, user)


def user_whose_manager_left(org) -> EditPage:
    user = UserFactory(
        username="stays", department=org["sales1a"].department, reports_to=_left(org)
    )
    return _user_page(org, user)


def user_who_left(org) -> EditPage:
    return _user_page(org, _left(org))


def department_whose_head_left(org) -> EditPage:
    department = Department.objects.get(name="销售二部")
    Department.objects.filter(pk=department.pk).update(manager=_left(org))
    return _department_page(org, department)


def profile_language(org) -> EditPage:
    return EditPage(
        user=org["sales1a"],
        url=reverse("accounts:profile"),
        form={"selector": f'form.card-body[action="{reverse("accounts:language")}"]'},
        records=[org["sales1a"]],
        volatile=frozenset({"last_login"}),
    )


def profile_time_zone(org) -> EditPage:
    User.objects.filter(pk=org["sales1a"].pk).update(time_zone="America/Vancouver")
    return EditPage(
        user=org["sales1a"],
        url=reverse("accounts:profile"),
        form={"action": reverse("accounts:time_zone")},
        records=[org["sales1a"]],
        volatile=frozenset({"last_login"}),
    )


PAGES = [
    user_full,
    user_whose_manager_left,
    user_who_left,
    department_whose_head_left,
    profile_language,
    profile_time_zone,
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("make_page", PAGES, ids=lambda make: make.__name__)
def test_an_edit_page_saved_unchanged_changes_nothing(org, make_page, language):
    save_unchanged(make_page(org), language=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_user_department_and_role_saved_unchanged_changes_nothing(org, language):
    """The demo organisation's users, departments and shipped roles."""
    for user in User.objects.exclude(pk=org["admin"].pk).order_by("pk"):
        save_unchanged(_user_page(org, user), language=language)
    for department in Department.objects.order_by("pk"):
        save_unchanged(_department_page(org, department), language=language)
    for role in Role.objects.order_by("pk"):
        save_unchanged(_role_page(org, role), language=language)

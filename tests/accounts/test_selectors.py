"""Reads of a user's permissions."""

import pytest
from django.contrib.auth.models import AnonymousUser

from guanxi.accounts.permissions import EDIT_OTHERS, MANAGE_FIELDS, MANAGE_USERS
from guanxi.accounts.selectors import user_can, user_can_each

pytestmark = pytest.mark.django_db

MENU = {"fields": MANAGE_FIELDS, "users": MANAGE_USERS, "others": EDIT_OTHERS}


@pytest.mark.parametrize("who", ["sales1a", "relations", "manager"])
def test_user_can_each_answers_user_can_per_entry(org, who):
    user = org[who]
    assert user_can_each(user=user, permissions=MENU) == {
        name: user_can(user=user, permission=code) for name, code in MENU.items()
    }


def test_user_can_each_gives_an_anonymous_user_nothing():
    assert user_can_each(user=AnonymousUser(), permissions=MENU) == dict.fromkeys(MENU, False)


def test_user_can_each_differs_between_roles(org):
    consultant = user_can_each(user=org["sales1a"], permissions=MENU)
    relations = user_can_each(user=org["relations"], permissions=MENU)
    assert consultant["others"] is False
    assert relations["others"] is True

"""A first check of the customer data scope (SPEC Roles); the full matrix is in test_scope.py."""

import pytest

from guanxi.customers.archive.selectors import CustomerFilters, customer_list_for_user

pytestmark = pytest.mark.django_db


def test_consultant_sees_only_own_and_manager_sees_both_departments(
    make_customer, sales1a, sales2a, manager
):
    mine = make_customer(sales1a, name="张三")
    theirs = make_customer(sales2a, name="李四")
    own_ids = {c.pk for c in customer_list_for_user(user=sales1a, filters=CustomerFilters()).items}
    assert own_ids == {mine.pk}
    manager_ids = {
        c.pk for c in customer_list_for_user(user=manager, filters=CustomerFilters()).items
    }
    assert manager_ids == {mine.pk, theirs.pk}

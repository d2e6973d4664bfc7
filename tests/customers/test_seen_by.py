"""`customer_seen_by` (issue 13, the 360 page): for a customer row already read, the same
answer as `Customer.objects.visible_to(user)` — for every demo role, owners in and out of the
scope, a customer shared with the user and a deleted one."""

import pytest
from django.utils import timezone

from guanxi.customers.models import Customer, CustomerShare
from guanxi.customers.querysets import customer_seen_by
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

USERS = ["admin", "manager", "sales1a", "sales1b", "sales2a", "relations", "agent", "marketing"]


@pytest.mark.parametrize("username", USERS)
def test_seen_by_answers_as_visible_to(org, username):
    user = org[username]
    customers = [
        CustomerFactory(owner=org[owner], name=f"看见{owner}")
        for owner in ("sales1a", "sales1b", "sales2a", "manager")
    ]
    shared = CustomerFactory(owner=org["sales2a"], name="共享的客户")
    CustomerShare.objects.create(customer=shared, user=user)
    deleted = CustomerFactory(owner=user, name="删除的客户")
    Customer.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    for customer in [*customers, shared, deleted]:
        row = Customer.objects.get(pk=customer.pk)
        for include_deleted in (False, True):
            expected = (
                Customer.objects.visible_to(user, include_deleted=include_deleted)
                .filter(pk=row.pk)
                .exists()
            )
            seen = customer_seen_by(user, row, include_deleted=include_deleted)
            assert seen is expected, (username, row.name, include_deleted)
    assert customer_seen_by(user, Customer.objects.get(pk=shared.pk))

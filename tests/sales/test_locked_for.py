"""`ScopedQuerySet.locked_for` (issue 13): the row a hot write locks is the row
`editable_by` would give, for every demo role and every owner of the record."""

import pytest

from guanxi.sales.common.permissions import EDIT_OTHERS
from guanxi.sales.models import Contract
from tests.customers.factories import CustomerFactory
from tests.sales.factories import ContractRowFactory

pytestmark = pytest.mark.django_db

USERS = ["admin", "manager", "sales1a", "sales1b", "sales2a", "relations", "agent", "marketing"]


@pytest.mark.parametrize("username", USERS)
def test_locked_for_is_editable_by_for_one_row(org, username):
    user = org[username]
    contracts = [
        ContractRowFactory(customer=CustomerFactory(owner=org[owner], name=f"锁{owner}"))
        for owner in ("sales1a", "sales1b", "sales2a", "manager")
    ]
    for contract in contracts:
        expected = (
            Contract.objects.editable_by(user, action=EDIT_OTHERS).filter(pk=contract.pk).exists()
        )
        locked = Contract.objects.locked_for(user, action=EDIT_OTHERS, pk=contract.pk)
        assert (locked is not None) is expected, (username, contract.owner_id)
        if locked is not None:
            assert locked.pk == contract.pk
    assert Contract.objects.locked_for(user, action=EDIT_OTHERS, pk=10**9) is None

"""sales.common.scope.customer_locked_for_sale: the customer a quote or a recorded purchase
may be made for — the actor's own, not one only shared with them, not another's."""

import pytest

from guanxi.customers.archive.services import share_set
from guanxi.sales.common.scope import customer_locked_for_sale

pytestmark = pytest.mark.django_db


def test_the_actors_own_customer_is_answered(sales1a, make_customer):
    customer = make_customer(sales1a)
    assert customer_locked_for_sale(actor=sales1a, customer=customer) == customer


def test_a_customer_shared_with_the_actor_is_not(sales1a, sales1b, make_customer):
    customer = make_customer(sales1a)
    share_set(actor=sales1a, customer=customer, user=sales1b, can_edit=True)
    assert customer_locked_for_sale(actor=sales1b, customer=customer) is None


def test_another_departments_customer_is_not(sales1a, sales2a, make_customer):
    customer = make_customer(sales2a)
    assert customer_locked_for_sale(actor=sales1a, customer=customer) is None

"""core.unique_save: a write refused by a unique constraint is the field's error, and the
request's transaction goes on."""

import pytest

from guanxi.core.errors import ValidationFailed
from guanxi.core.unique_save import unique_or_invalid
from guanxi.customers.models import DedupKey
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_clash_is_the_field_error_and_the_outer_transaction_stays_usable(org):
    customer = CustomerFactory(owner=org["sales1a"])
    DedupKey.objects.create(customer=customer, rule="mobile", value="taken")
    with pytest.raises(ValidationFailed) as caught, unique_or_invalid("mobile", "Taken already."):
        DedupKey.objects.create(customer=customer, rule="mobile", value="taken")
    assert caught.value.field_errors == {"mobile": ["Taken already."]}
    assert DedupKey.objects.filter(value="taken").count() == 1  # a query still runs


def test_a_write_without_a_clash_is_kept(org):
    customer = CustomerFactory(owner=org["sales1a"])
    with unique_or_invalid("mobile", "Taken already."):
        DedupKey.objects.create(customer=customer, rule="mobile", value="free")
    assert DedupKey.objects.filter(value="free").exists()

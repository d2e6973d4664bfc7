"""Customers for tests, made through `customer_create` so that every one has its dedup keys,
pinyin and timeline entry exactly as the application makes them."""

import factory

from guanxi.customers.archive.services import customer_create
from guanxi.customers.archive.validation import CustomerInput
from guanxi.customers.models import Customer


class CustomerFactory(factory.Factory):
    """CustomerFactory(owner=user, name=..., **fields): the owner is the acting user."""

    class Meta:
        model = Customer

    owner = None
    name = "测试客户"
    # owner.pk grows past 9,999 on PostgreSQL (sequences outlive the rolled-back tests):
    # keep the mobile at 11 digits
    mobile = factory.LazyAttributeSequence(lambda o, n: f"139{o.owner.pk % 10000:04d}{n:04d}")

    @classmethod
    def _create(cls, model_class, *, owner, **data):
        return customer_create(actor=owner, data=CustomerInput(**data))

"""After-sales records for tests, made through the care services (validation, the timeline
and the links as the application makes them)."""

import factory

from guanxi.care.models import InstalledAsset, Reception
from guanxi.care.reception.services import ReceptionInput, reception_log


class ReceptionFactory(factory.Factory):
    """ReceptionFactory(actor=user, channel=..., customer=None, **fields) via reception_log."""

    class Meta:
        model = Reception

    actor = None
    customer = None
    channel = Reception.Channel.WALK_IN
    visitor_name = "刘先生"
    need = "看看新款"

    @classmethod
    def _create(cls, model_class, *, actor, customer=None, **fields):
        return reception_log(actor=actor, customer=customer, data=ReceptionInput(**fields))


class AssetRowFactory(factory.django.DjangoModelFactory):
    """A stored installed-base row (for reads); writes go through assets.services."""

    class Meta:
        model = InstalledAsset

    product_name = "标准版"
    serial = factory.Sequence(lambda n: f"VIN{n:014d}")

"""Subscriptions for the webhook tests; the loopback receiver is reached through the
allow-list, as an administrator would allow an internal host."""

import factory
from django.utils.crypto import get_random_string

from guanxi.webhooks.common.catalog import EVENTS
from guanxi.webhooks.models import AllowedHost, Subscription


def allow_loopback() -> None:
    AllowedHost.objects.get_or_create(host="127.0.0.1", defaults={"note": "tests"})


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    name = factory.Sequence(lambda n: f"ERP {n}")
    kind = Subscription.Kind.JSON
    url = "http://127.0.0.1:9/hook"
    secret = factory.LazyFunction(lambda: get_random_string(40))
    events = factory.LazyFunction(lambda: list(EVENTS))
    active = True

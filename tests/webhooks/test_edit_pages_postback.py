"""The webhook subscription form, opened and saved unchanged as a browser does it
(tests/postback.py): the page takes it and nothing changes."""

import pytest
from django.urls import reverse

from guanxi.webhooks.common.catalog import EVENTS
from guanxi.webhooks.models import Subscription
from guanxi.webhooks.subscriptions.services import SubscriptionData, subscription_create
from tests.postback import LANGUAGES, EditPage, save_unchanged
from tests.webhooks.factories import allow_loopback

pytestmark = pytest.mark.django_db


def _subscription(org, *, kind: str, url: str, events: list[str]) -> EditPage:
    allow_loopback()
    made = subscription_create(
        actor=org["admin"],
        data=SubscriptionData(name="ERP 同步", kind=kind, url=url, events=events, active=True),
    )
    return EditPage(
        user=org["admin"],
        url=reverse("webhooks:subscription_edit", args=[made.pk]),
        records=[Subscription.objects.get(pk=made.pk)],
    )


def subscription(org) -> EditPage:
    return _subscription(
        org,
        kind="json",
        url="http://127.0.0.1:9/hook?source=guanxi&sign=a%2Bb",
        events=list(EVENTS)[::2],
    )


def wecom_robot(org) -> EditPage:
    return _subscription(
        org,
        kind="wecom",
        url="http://127.0.0.1:9/cgi-bin/webhook/send?key=abc-123",
        events=list(EVENTS)[:1],
    )


PAGES = [subscription, wecom_robot]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("make_page", PAGES, ids=lambda make: make.__name__)
def test_an_edit_page_saved_unchanged_changes_nothing(org, make_page, language):
    save_unchanged(make_page(org), language=language)

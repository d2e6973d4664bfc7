"""Reads of subscriptions and their delivery log, for holders of webhooks.manage only (the
log holds customer data of every scope, so it is an administrator's page)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from guanxi.accounts.models import User
from guanxi.core.errors import found
from guanxi.core.pagination import Page, page_by_id
from guanxi.webhooks.models import AllowedHost, Delivery, Subscription
from guanxi.webhooks.subscriptions.services import manage_check

LIST_CAP = 200


def subscriptions_list(*, user: User) -> list[Subscription]:
    manage_check(user=user)
    return list(Subscription.objects.select_related("owner").order_by("name", "id")[:LIST_CAP])


def subscription_get(*, user: User, pk: int) -> Subscription:
    manage_check(user=user)
    return found(Subscription.objects.select_related("owner").filter(pk=pk).first())


@dataclass(frozen=True)
class DeliveryFilters:
    subscription_id: int | None = None
    status: str = ""


def _deliveries(filters: DeliveryFilters) -> QuerySet[Delivery]:
    rows = Delivery.objects.select_related("subscription").defer("payload")
    if filters.subscription_id is not None:
        rows = rows.filter(subscription_id=filters.subscription_id)
    if filters.status in Delivery.Status.values:
        rows = rows.filter(status=filters.status)
    return rows


def delivery_page(
    *, user: User, filters: DeliveryFilters, cursor: str = "", limit: int = 50
) -> Page[Delivery]:
    manage_check(user=user)
    return page_by_id(_deliveries(filters), cursor=cursor, limit=limit)


def delivery_get(*, user: User, pk: int) -> Delivery:
    manage_check(user=user)
    return found(Delivery.objects.select_related("subscription").filter(pk=pk).first())


def allowed_hosts_list(*, user: User) -> list[AllowedHost]:
    manage_check(user=user)
    return list(AllowedHost.objects.order_by("host")[:LIST_CAP])

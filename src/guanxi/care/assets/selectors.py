"""Reads of the installed base (ARC-10), in the reader's data scope of the customers."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.accounts.permissions import EDIT_OTHERS
from guanxi.care.models import InstalledAsset
from guanxi.core.errors import found
from guanxi.core.pagination import Page, page_by_keys
from guanxi.customers.models import Customer

DUE_HORIZON_DAYS = 30


@dataclass(frozen=True)
class AssetFilters:
    # "maintenance": next maintenance within the horizon (or overdue); "warranty": warranty
    # ends within the horizon; "" everything in use
    due: str = ""
    horizon: int = DUE_HORIZON_DAYS
    q: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "AssetFilters":
        due = query.get("due", "")
        try:
            horizon = max(1, min(int(query.get("days", DUE_HORIZON_DAYS)), 366))
        except ValueError:
            horizon = DUE_HORIZON_DAYS
        return cls(
            due=due if due in {"maintenance", "warranty"} else "",
            horizon=horizon,
            q=query.get("q", "").strip()[:60],
        )


def assets_visible(*, user: User | AnonymousUser) -> QuerySet[InstalledAsset]:
    return InstalledAsset.objects.filter(customer__in=Customer.objects.visible_to(user))


def asset_page(
    *, user: User | AnonymousUser, filters: AssetFilters, cursor: str | None, limit: int = 25
) -> Page[InstalledAsset]:
    rows = assets_visible(user=user).filter(retired_on__isnull=True)
    until = timezone.localdate() + dt.timedelta(days=filters.horizon)
    if filters.q:
        rows = rows.filter(Q(product_name__icontains=filters.q) | Q(serial__iexact=filters.q))
    rows = rows.select_related("customer", "customer__owner")
    if filters.due == "maintenance":
        rows = rows.filter(next_maintenance_on__lte=until)
        keys: list[tuple[str, type]] = [("next_maintenance_on", dt.date), ("id", int)]
        return page_by_keys(rows, keys=keys, descending=False, cursor=cursor, limit=limit)
    if filters.due == "warranty":
        rows = rows.filter(warranty_ends_on__gte=timezone.localdate(), warranty_ends_on__lte=until)
        keys = [("warranty_ends_on", dt.date), ("id", int)]
        return page_by_keys(rows, keys=keys, descending=False, cursor=cursor, limit=limit)
    return page_by_keys(rows, keys=[("id", int)], descending=True, cursor=cursor, limit=limit)


def assets_of_customer(
    *, user: User | AnonymousUser, customer: Customer, limit: int = 20
) -> list[InstalledAsset]:
    return list(
        assets_visible(user=user)
        .filter(customer=customer)
        .select_related("contract")
        .order_by("retired_on", "-delivered_on", "-id")[:limit]
    )


def asset_get_for_user(*, user: User | AnonymousUser, asset_id: int) -> InstalledAsset:
    return found(
        assets_visible(user=user).select_related("customer", "product").filter(pk=asset_id).first()
    )


def customer_assets_editable(*, user: User | AnonymousUser, customer: Customer) -> bool:
    return Customer.objects.editable_by(user, action=EDIT_OTHERS).filter(pk=customer.pk).exists()

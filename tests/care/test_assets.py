"""The installed base (ARC-10): filled from each delivery exactly once, editable by who may
edit the customer, refused input changes nothing, scope on every read, page and API."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.care.assets import selectors, services
from guanxi.care.assets.services import AssetInput
from guanxi.care.models import InstalledAsset
from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.sales.fulfilment import services as fulfilment
from tests.care.factories import AssetRowFactory
from tests.sales.factories import make_signed_contract, place_order

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_a_delivery_adds_its_product_once(sales1a, make_customer):
    customer = make_customer(sales1a, name="交车客户")
    contract = make_signed_contract(sales1a, customer)
    order = place_order(sales1a, contract, (contract.items.first(), "1"))
    plan = order.plans.first()
    delivery = fulfilment.delivery_record(
        actor=sales1a, plan=plan, quantity="1", delivered_on=timezone.localdate()
    )
    asset = InstalledAsset.objects.get(delivery=delivery)
    assert asset.customer == customer and asset.contract == contract
    assert asset.delivered_on == timezone.localdate()
    assert asset.purchased_on == contract.signed_on
    assert asset.user_name == "交车客户"
    again = services.asset_from_delivery(delivery=delivery, actor=sales1a)
    assert again == asset
    assert InstalledAsset.objects.filter(customer=customer).count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"product_name": ""}, "product_name"),
        ({"serial": "V" * 41}, "serial"),
        (
            {"purchased_on": dt.date(2026, 5, 2), "delivered_on": dt.date(2026, 5, 1)},
            "delivered_on",
        ),
        (
            {"delivered_on": dt.date(2026, 5, 2), "warranty_ends_on": dt.date(2026, 5, 1)},
            "warranty_ends_on",
        ),
        (
            {
                "last_maintenance_on": dt.date(2026, 5, 2),
                "next_maintenance_on": dt.date(2026, 5, 1),
            },
            "next_maintenance_on",
        ),
        ({"documents": ["passport"]}, "documents"),
    ],
)
def test_bad_input_changes_nothing(sales1a, make_customer, fields, field):
    customer = make_customer(sales1a)
    data = {"product_name": "标准版", **fields}
    with pytest.raises(ValidationFailed) as refused:
        services.asset_create(actor=sales1a, customer=customer, data=AssetInput(**data))
    assert field in refused.value.field_errors
    assert not InstalledAsset.objects.exists()


def test_only_who_may_edit_the_customer_changes_its_assets(
    sales1a, sales1b, relations, make_customer
):
    """Customer relations keeps the archive up to date (seed 003 §1.2); another consultant
    may not touch it."""
    customer = make_customer(sales1a)
    data = AssetInput(product_name="标准版", serial="VIN1")
    with pytest.raises(NotFound):
        services.asset_create(actor=sales1b, customer=customer, data=data)
    assert not InstalledAsset.objects.exists()
    services.asset_create(actor=relations, customer=customer, data=data)
    asset = services.asset_create(actor=sales1a, customer=customer, data=data)
    with pytest.raises(NotFound):
        services.asset_update(actor=sales1b, asset=asset, data=AssetInput(product_name="改"))
    asset.refresh_from_db()
    assert asset.product_name == "标准版"


@pytest.mark.parametrize(
    ("reader", "sees"),
    [
        ("sales1a", {"sales1a"}),
        ("sales2a", {"sales2a"}),
        ("manager", {"sales1a", "sales2a"}),
        ("relations", {"sales1a", "sales2a"}),
        ("agent", {"sales1a", "sales2a"}),
        ("admin", {"sales1a", "sales2a"}),
    ],
)
def test_reads_are_in_the_readers_scope(org, make_customer, reader, sees):
    soon = timezone.localdate() + dt.timedelta(days=5)
    for name in ("sales1a", "sales2a"):
        AssetRowFactory(
            customer=make_customer(org[name], name=name),
            product_name=name,
            next_maintenance_on=soon,
        )
    user = org[reader]
    for due in ("", "maintenance"):
        page = selectors.asset_page(user=user, filters=selectors.AssetFilters(due=due), cursor=None)
        assert {asset.product_name for asset in page.items} == sees
    for asset in InstalledAsset.objects.all():
        if asset.product_name in sees:
            assert selectors.asset_get_for_user(user=user, asset_id=asset.pk) == asset
        else:
            with pytest.raises(NotFound):
                selectors.asset_get_for_user(user=user, asset_id=asset.pk)


def test_due_filters(sales1a, make_customer):
    customer = make_customer(sales1a)
    today = timezone.localdate()
    AssetRowFactory(customer=customer, product_name="保养近", next_maintenance_on=today)
    AssetRowFactory(
        customer=customer, product_name="保养远", next_maintenance_on=today + dt.timedelta(90)
    )
    AssetRowFactory(
        customer=customer, product_name="保修快到", warranty_ends_on=today + dt.timedelta(10)
    )
    AssetRowFactory(
        customer=customer,
        product_name="停用",
        next_maintenance_on=today,
        retired_on=today,
    )

    def names(due):
        page = selectors.asset_page(
            user=sales1a, filters=selectors.AssetFilters(due=due, horizon=30), cursor=None
        )
        return [asset.product_name for asset in page.items]

    assert names("maintenance") == ["保养近"]
    assert names("warranty") == ["保修快到"]
    assert set(names("")) == {"保养近", "保养远", "保修快到"}


def test_panel_page_and_api(client_for, sales1a, sales2a, make_customer):
    customer = make_customer(sales1a, name="资产客户")
    client = client_for(sales1a)
    detail = client.get(reverse("customers:detail", args=[customer.pk]))
    assert reverse("care:customer_assets", args=[customer.pk]) in detail.text
    created = client.post(
        f"/api/v1/customers/{customer.pk}/assets",
        json.dumps({"product_name": "舒适型", "serial": "LGX123", "documents": ["pdi"]}),
        content_type=JSON,
    )
    assert created.status_code == 201, created.text
    panel = client.get(reverse("care:customer_assets", args=[customer.pk]), HTTP_HX_REQUEST="true")
    assert "LGX123" in panel.text
    assert client.get(reverse("care:assets")).status_code == 200
    asset_id = created.json()["id"]
    assert client_for(sales2a).get(f"/api/v1/assets/{asset_id}").status_code == 404
    edit = client.post(
        reverse("care:asset_edit", args=[asset_id]),
        {"product_name": "舒适型", "serial": "LGX123", "warranty_ends_on": "2029-01-01"},
    )
    assert edit.status_code == 302
    assert InstalledAsset.objects.get(pk=asset_id).warranty_ends_on == dt.date(2029, 1, 1)

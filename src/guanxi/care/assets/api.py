"""/api/v1 for the installed base (ARC-10). A record of a customer outside the caller's scope
answers 404 like one that does not exist; changing needs the customer's edit rights."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.accounts.http import request_user
from guanxi.care.assets import selectors, services
from guanxi.care.assets.schemas import AssetIn, AssetOut, AssetPageOut, AssetQuery
from guanxi.care.models import InstalledAsset
from guanxi.core.api_endpoints import referenced
from guanxi.customers.archive.selectors import customer_get_for_user
from guanxi.sales.models import Product

router = Router(tags=["installed base"])


def _input(payload: AssetIn) -> services.AssetInput:
    product = referenced(
        Product.objects, payload.product_id, field="product_id", message=_("No such product.")
    )
    data = payload.dict(exclude={"product_id"})
    return services.AssetInput(product=product, **data)


@router.get("/assets", response=AssetPageOut, summary="The installed base in use, or what is due")
def asset_list(request: HttpRequest, query: Query[AssetQuery]) -> object:
    user = request_user(request)
    filters = selectors.AssetFilters(due=query.due, horizon=query.days, q=query.q.strip())
    return selectors.asset_page(user=user, filters=filters, cursor=query.cursor, limit=query.limit)


@router.get(
    "/customers/{int:customer_id}/assets",
    response=list[AssetOut],
    summary="What the customer bought and uses",
)
def customer_assets(request: HttpRequest, customer_id: int) -> object:
    user = request_user(request)
    customer = customer_get_for_user(user=user, customer_id=customer_id)
    return selectors.assets_of_customer(user=user, customer=customer, limit=100)


@router.post(
    "/customers/{int:customer_id}/assets",
    response={201: AssetOut},
    summary="Add a product to the customer's installed base",
)
def asset_create(request: HttpRequest, customer_id: int, payload: AssetIn) -> object:
    user = request_user(request)
    customer = customer_get_for_user(user=user, customer_id=customer_id)
    asset = services.asset_create(actor=user, customer=customer, data=_input(payload))
    return Status(201, asset)


@router.get("/assets/{int:asset_id}", response=AssetOut, summary="One installed-base record")
def asset_get(request: HttpRequest, asset_id: int) -> InstalledAsset:
    user = request_user(request)
    return selectors.asset_get_for_user(user=user, asset_id=asset_id)


@router.put("/assets/{int:asset_id}", response=AssetOut, summary="Change an installed-base record")
def asset_update(request: HttpRequest, asset_id: int, payload: AssetIn) -> InstalledAsset:
    user = request_user(request)
    asset = selectors.asset_get_for_user(user=user, asset_id=asset_id)
    return services.asset_update(actor=user, asset=asset, data=_input(payload))

"""/api/v1 for the public pools (INT-6, INT-7): my pools, a pool's customers, claim, release."""

from typing import Annotated

from ninja import Field, Query, Router

from guanxi.core.schemas import PageQuery, QueryId
from guanxi.customers.archive.selectors import customer_get_for_user
from guanxi.customers.models import Customer
from guanxi.pipeline.pools import selectors, services
from guanxi.pipeline.pools.schemas import (
    ClaimOut,
    PoolCustomerPageOut,
    PoolOut,
    ReleaseIn,
    ReleaseOut,
)

router = Router(tags=["pipeline"])


@router.get(
    "/pools",
    response=list[PoolOut],
    summary="The public pools I am a member of",
    operation_id="guanxi_pipeline_api_pool_list",
)
def pool_list(request):
    return selectors.pools_for_user(user=request.auth)


class PoolCustomerQuery(PageQuery):
    reason: Annotated[str, Field(max_length=20)] = ""
    stage: Annotated[str, Field(max_length=10)] = ""
    source: QueryId | None = None
    limit: int = Field(50, ge=1, le=100)


@router.get(
    "/pools/{int:pool_id}/customers",
    response=PoolCustomerPageOut,
    summary="Customers in a public pool (phones masked)",
    operation_id="guanxi_pipeline_api_pool_customer_list",
)
def pool_customer_list(request, pool_id: int, query: Query[PoolCustomerQuery]):
    pool = selectors.pool_get_for_user(user=request.auth, pool_id=pool_id)
    return selectors.pool_customers_for_user(
        user=request.auth,
        pool=pool,
        reason=query.reason,
        stage=query.stage,
        source=query.source or "",
        cursor=query.cursor,
        limit=query.limit,
    )


@router.post(
    "/customers/{int:customer_id}/claim",
    response=ClaimOut,
    summary="Claim a customer from a public pool",
    operation_id="guanxi_pipeline_api_pool_claim",
)
def pool_claim(request, customer_id: int):
    # Not read through the caller's scope first: a customer claimed by someone else the
    # moment before is out of sight, and the service answers that loser with 409 `claimed`.
    claimed = services.pool_claim(actor=request.auth, customer=Customer(pk=customer_id))
    return {"customer_id": claimed.pk, "owner": request.auth}


@router.post(
    "/customers/{int:customer_id}/release",
    response=ReleaseOut,
    summary="Release a customer to the public pool",
    operation_id="guanxi_pipeline_api_pool_release",
)
def pool_release(request, customer_id: int, payload: ReleaseIn):
    customer = customer_get_for_user(user=request.auth, customer_id=customer_id)
    return services.pool_release(
        actor=request.auth, customer=customer, reason=payload.reason, note=payload.note
    )

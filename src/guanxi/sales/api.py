"""The sales part of /api/v1/ (ORD): one router per area, mounted together."""

from ninja import Router

from guanxi.sales.api_approvals import router as approvals_router
from guanxi.sales.api_catalog import router as catalog_router
from guanxi.sales.api_contracts import router as contracts_router
from guanxi.sales.api_fulfilment import router as fulfilment_router
from guanxi.sales.api_receivables import router as receivables_router
from guanxi.sales.api_reports import router as reports_router

router = Router()
for area_router in (
    catalog_router,
    contracts_router,
    fulfilment_router,
    receivables_router,
    approvals_router,
    reports_router,
):
    router.add_router("", area_router)

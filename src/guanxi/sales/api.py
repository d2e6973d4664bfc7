"""The sales part of /api/v1/ (ORD): one router per area, mounted together."""

from ninja import Router

from guanxi.sales.api_catalog import router as catalog_router
from guanxi.sales.api_contracts import router as contracts_router
from guanxi.sales.api_receivables import router as receivables_router

router = Router()
router.add_router("", catalog_router)
router.add_router("", contracts_router)
router.add_router("", receivables_router)

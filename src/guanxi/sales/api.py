"""The sales part of /api/v1/ (ORD): one router per area, mounted together."""

from ninja import Router

from guanxi.sales.approvals.api import router as approvals_router
from guanxi.sales.catalog.api import router as catalog_router
from guanxi.sales.contracts.api import router as contracts_router
from guanxi.sales.fulfilment.api import router as fulfilment_router
from guanxi.sales.receivables.api import router as receivables_router
from guanxi.sales.reports.api import router as reports_router

AREA_ROUTERS = {
    "catalog": catalog_router,
    "contracts": contracts_router,
    "fulfilment": fulfilment_router,
    "receivables": receivables_router,
    "approvals": approvals_router,
    "reports": reports_router,
}


def _keep_operation_ids(area: str, area_router: Router) -> None:
    """Operation ids are published (clients generate code from them): they stay those of the
    modules before sales was split into areas, `guanxi_sales_api_<area>_<function>`, instead of
    django-ninja's default from the module path (guanxi.sales.<area>.api)."""
    for path_view in area_router.path_operations.values():
        for operation in path_view.operations:
            if not operation.operation_id:
                name = operation.view_func.__name__
                operation.operation_id = f"guanxi_sales_api_{area}_{name}"


router = Router()
for area, area_router in AREA_ROUTERS.items():
    _keep_operation_ids(area, area_router)
    router.add_router("", area_router)

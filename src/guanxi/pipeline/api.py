"""/api/v1 for the intention pipeline (issue 3, item 11): one router gathering the areas'
(follow-ups, stage, grade and MAN; the work list; public pools; the funnel; scripts).

The areas' operations keep the operation ids they were published with when the pipeline API
was this one module (`guanxi_pipeline_api_<function>`): clients generated from the OpenAPI
document name their methods by them.
"""

from ninja import Router

from guanxi.pipeline.checkins.api import router as checkins_router
from guanxi.pipeline.pools.api import router as pools_router
from guanxi.pipeline.prospects.api import router as prospects_router
from guanxi.pipeline.reports.api import router as reports_router
from guanxi.pipeline.scripts.api import router as scripts_router
from guanxi.pipeline.worklist.api import router as worklist_router

router = Router()
for area_router in (
    prospects_router,
    worklist_router,
    pools_router,
    reports_router,
    scripts_router,
    checkins_router,
):
    router.add_router("", area_router)

"""The satisfaction part of /api/v1/ (SAT): one router per area, mounted together (each area
adds its router to AREA_ROUTERS)."""

from ninja import Router

from guanxi.satisfaction.plans.api import router as plans_router
from guanxi.satisfaction.scores.api import router as scores_router
from guanxi.satisfaction.surveys.api import router as surveys_router

AREA_ROUTERS: list[Router] = [surveys_router, scores_router, plans_router]

router = Router()
for area_router in AREA_ROUTERS:
    router.add_router("", area_router)

"""The after-sales part of /api/v1/ (CARE, ACQ-5, ARC-10): one router per area, mounted
together (each area adds its router to AREA_ROUTERS)."""

from ninja import Router

from guanxi.care.assets.api import router as assets_router
from guanxi.care.messages.api import router as messages_router
from guanxi.care.reception.api import router as reception_router
from guanxi.care.rules.api import router as rules_router
from guanxi.care.visits.api import router as visits_router

AREA_ROUTERS: list[Router] = [
    visits_router,
    rules_router,
    messages_router,
    reception_router,
    assets_router,
]

router = Router()
for area_router in AREA_ROUTERS:
    router.add_router("", area_router)

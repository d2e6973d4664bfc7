"""The after-sales part of /api/v1/ (CARE, ACQ-5, ARC-10): one router per area, mounted
together (each area adds its router to AREA_ROUTERS)."""

from ninja import Router

from guanxi.care.rules.api import router as rules_router

AREA_ROUTERS: list[Router] = []
AREA_ROUTERS.append(rules_router)

router = Router()
for area_router in AREA_ROUTERS:
    router.add_router("", area_router)

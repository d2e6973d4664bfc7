"""The service part of /api/v1/: one router per area, mounted together (each area adds its
router to AREA_ROUTERS)."""

from ninja import Router

from guanxi.service.calls.api import router as calls_router
from guanxi.service.complaints.api import router as complaints_router

AREA_ROUTERS: list[Router] = [calls_router, complaints_router]

router = Router()
for area_router in AREA_ROUTERS:
    router.add_router("", area_router)

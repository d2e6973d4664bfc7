"""The imports part of /api/v1/: one router per area, mounted together (each area adds its
router to AREA_ROUTERS)."""

from ninja import Router

from guanxi.imports.exports.api import router as exports_router
from guanxi.imports.spreadsheets.api import router as spreadsheets_router

AREA_ROUTERS: list[Router] = [spreadsheets_router, exports_router]

router = Router()
for area_router in AREA_ROUTERS:
    router.add_router("", area_router)

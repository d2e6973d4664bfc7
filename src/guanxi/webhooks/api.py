"""The webhooks part of /api/v1/: one router per area, mounted together (each area adds its
router to AREA_ROUTERS)."""

from ninja import Router

from guanxi.webhooks.subscriptions.api import router as subscriptions_router

AREA_ROUTERS: list[Router] = [subscriptions_router]

router = Router()
for area_router in AREA_ROUTERS:
    router.add_router("", area_router)

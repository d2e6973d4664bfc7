"""The after-sales part of /api/v1/ (CARE, ACQ-5, ARC-10): one router per area, mounted
together (each area adds its router to AREA_ROUTERS)."""

from ninja import Router

from guanxi.care.messages.api import router as messages_router

AREA_ROUTERS: list[Router] = [messages_router]

router = Router()
for area_router in AREA_ROUTERS:
    router.add_router("", area_router)

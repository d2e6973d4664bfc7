"""The portal part of /api/v1/: one router per area, mounted together (each area adds its
router to AREA_ROUTERS). The customer portal itself is session-based pages, not API."""

from ninja import Router

from guanxi.portal.leads.api import router as leads_router

AREA_ROUTERS: list[Router] = [leads_router]

router = Router()
for area_router in AREA_ROUTERS:
    router.add_router("", area_router)

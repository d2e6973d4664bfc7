"""The HTTP API at /api/v1/ (INTG-2). Routers live in each app's api.py."""

from ninja import NinjaAPI

api = NinjaAPI(title="Guanxi API", version="1", urls_namespace="api")

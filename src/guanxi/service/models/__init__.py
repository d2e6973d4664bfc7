"""The app's models, one module per area, all imported here so Django finds them."""

from guanxi.service.models.calls import Call, CallScript, Ring

__all__ = ["Call", "CallScript", "Ring"]

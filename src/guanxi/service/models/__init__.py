"""The app's models, one module per area, all imported here so Django finds them."""

from guanxi.service.models.calls import Call, CallScript, Ring
from guanxi.service.models.complaints import (
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintRoute,
    ComplaintSettings,
    Severity,
    SlaTarget,
)

__all__ = [
    "Call",
    "CallScript",
    "Complaint",
    "ComplaintCategory",
    "ComplaintEvent",
    "ComplaintRoute",
    "ComplaintSettings",
    "Ring",
    "Severity",
    "SlaTarget",
]

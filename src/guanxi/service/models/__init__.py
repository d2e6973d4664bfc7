"""The app's models, one module per area, all imported here so Django finds them."""

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
    "Complaint",
    "ComplaintCategory",
    "ComplaintEvent",
    "ComplaintRoute",
    "ComplaintSettings",
    "Severity",
    "SlaTarget",
]

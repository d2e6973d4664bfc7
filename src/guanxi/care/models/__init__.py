"""After-sales care (SPEC CARE, ACQ-5, ARC-10; seeds 000 §5.6, 002, 003 §1–§3)."""

from guanxi.care.models.assets import InstalledAsset
from guanxi.care.models.messages import (
    STAFF_PURPOSES,
    CalendarFeed,
    Channel,
    ConsentEvent,
    ContactPreference,
    Message,
    MessageEvent,
    MessageSecret,
    MessageTemplate,
    Notification,
    Purpose,
)
from guanxi.care.models.reception import Reception
from guanxi.care.models.rules import CareRule, CareTouch, Trigger
from guanxi.care.models.visits import CareTask, CareTopic, SpotCheck, SpotCheckSettings

__all__ = [
    "STAFF_PURPOSES",
    "CalendarFeed",
    "CareRule",
    "CareTask",
    "CareTopic",
    "CareTouch",
    "Channel",
    "ConsentEvent",
    "ContactPreference",
    "InstalledAsset",
    "Message",
    "MessageEvent",
    "MessageSecret",
    "MessageTemplate",
    "Notification",
    "Purpose",
    "Reception",
    "SpotCheck",
    "SpotCheckSettings",
    "Trigger",
]

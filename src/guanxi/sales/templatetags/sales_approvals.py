"""Template helpers of the approval pages: badge colours for states."""

from django import template

register = template.Library()

_BADGES = {
    "pending": "bg-yellow-lt",
    "waiting": "bg-secondary-lt",
    "approved": "bg-green-lt",
    "rejected": "bg-red-lt",
    "withdrawn": "bg-secondary-lt",
    "skipped": "bg-secondary-lt",
}
_EVENTS = {
    "submit": "ti-send",
    "approve": "ti-check",
    "reject": "ti-x",
    "withdraw": "ti-arrow-back-up",
    "comment": "ti-message",
    "finish": "ti-flag",
}


@register.filter
def approval_badge(state) -> str:
    """The Tabler badge class for an approval's or a task's state."""
    return _BADGES.get(str(state), "bg-secondary-lt")


@register.filter
def approval_event_icon(action) -> str:
    return _EVENTS.get(str(action), "ti-point")

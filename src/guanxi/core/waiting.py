"""What is waiting for a user (待办): the navbar badge. Each app reports its own kinds of work
(approvals to decide, overdue follow-ups, overdue instalments …) through the hook; the badge
is loaded after the page (htmx), so no page pays for the counts."""

from collections.abc import Callable
from dataclasses import dataclass

from guanxi.core.hooks import Hook
from guanxi.core.scope import AnyUser

# The badge says "99+" beyond this; counting further would only cost time.
WAITING_CAP = 99


@dataclass(frozen=True)
class WaitingItem:
    kind: str  # a stable code for API clients, e.g. "approvals"
    label: str
    count: int  # up to WAITING_CAP + 1: more than the cap reads "99+"
    url: str


# callback(user=) -> WaitingItem | None (None: nothing of that kind for this user)
waiting_items = Hook("waiting_items")


def waiting_for(*, user: AnyUser) -> list[WaitingItem]:
    """The kinds of work waiting for the user, each with at least one item."""
    callbacks: list[Callable[..., WaitingItem | None]] = list(waiting_items)
    found = [callback(user=user) for callback in callbacks]
    return [item for item in found if item is not None and item.count > 0]

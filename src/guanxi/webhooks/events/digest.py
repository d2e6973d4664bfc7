"""The daily notice of overdue follow-ups (INTG-6): per consultant, how many of their
tracked customers are overdue for contact (the work list's own rule), as one event — a WeCom
robot posts it to the sales group at 09:00."""

import datetime as dt

from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.pipeline.worklist.selectors import overdue_count
from guanxi.webhooks.events.payloads import user_data
from guanxi.webhooks.events.services import event_fire, subscribers_of

OVERDUE_CAP = 999


def overdue_digest_fire(*, now: dt.datetime | None = None) -> int:
    """Queue the digest for the subscribers; how many deliveries (0: none wanted, or nobody
    is overdue)."""
    if not subscribers_of(event="followup.overdue"):
        return 0
    now = now or timezone.now()
    rows = []
    for user in User.objects.filter(is_active=True).order_by("username"):
        count = overdue_count(user=user, cap=OVERDUE_CAP, now=now)
        if count:
            rows.append({**(user_data(user) or {}), "count": count})
    if not rows:
        return 0
    date = timezone.localtime(now).date().isoformat()
    return event_fire(event="followup.overdue", items=[{"date": date, "users": rows}], at=now)

"""The daily overdue-follow-ups notice, on the scheduler (09:00 site time)."""

from django.tasks import task

from guanxi.core.schedule import cron
from guanxi.webhooks.events.digest import overdue_digest_fire


@cron("0 9 * * *")
@task
def overdue_digest() -> int:
    return overdue_digest_fire()

"""The nightly clean-up of old sign-in codes and portal sessions, enqueued by django-crontask's
scheduler at 03:30 in TIME_ZONE (registered by wiring.py importing this module)."""

from django.tasks import task

from guanxi.core.schedule import cron
from guanxi.portal.access.services import portal_access_purge


@cron("30 3 * * *")
@task
def purge_portal_access() -> dict[str, int]:
    return portal_access_purge()

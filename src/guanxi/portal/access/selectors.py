"""Reads of portal sign-in: the live session a cookie's token names."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone

from guanxi.care.messages.consent import quiet_until, site_quiet_hours
from guanxi.portal.access.services import digest
from guanxi.portal.models import PortalSession


def portal_session_get(*, token: str) -> PortalSession | None:
    """The live session of the token, with its customer, or None (unknown, ended, expired, or
    its customer deleted or merged since)."""
    if not token:
        return None
    return (
        PortalSession.objects.select_related("customer")
        .filter(
            token_digest=digest("session", token),
            ended_at=None,
            expires_at__gt=timezone.now(),
            customer__deleted_at=None,
            customer__merged_into=None,
        )
        .first()
    )


def codes_held_until(*, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the site's quiet hours end, if they hold now: a code is a message like any other
    and waits for them (care's consent rules), so the sign-in page says so."""
    return quiet_until(
        now or timezone.now(),
        window=site_quiet_hours(),
        tz=zoneinfo.ZoneInfo(settings.TIME_ZONE),
    )

"""Reads of portal sign-in: the live session a cookie's token names."""

from django.utils import timezone

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

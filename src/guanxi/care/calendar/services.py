"""Writes of calendar feeds (CARE-5): a user's secret iCalendar URL. The token is shown once,
in the URL; only its SHA-256 is stored, so a copied database gives nobody a feed."""

import secrets

from django.db import transaction
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.care.models import CalendarFeed
from guanxi.core.audit import audit_record
from guanxi.core.crypto import token_digest
from guanxi.core.errors import found

# A user has a handful of feeds at most (one per calendar program); more is a leak waiting.
MAX_ACTIVE_FEEDS = 5


def calendar_feed_create(*, user: User) -> tuple[CalendarFeed, str]:
    """A new feed and its token (to be put in the URL now; it cannot be shown again). The
    oldest active feeds beyond MAX_ACTIVE_FEEDS are revoked."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed = CalendarFeed.objects.create(user=user, token_hash=token_digest(token))
        stale = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).order_by(
            "-created_at", "-id"
        )[MAX_ACTIVE_FEEDS:]
        CalendarFeed.objects.filter(pk__in=[f.pk for f in stale]).update(revoked_at=timezone.now())
        audit_record(
            actor=user, action="care.calendar_feed", target=feed, summary="create", request=None
        )
    return feed, token


def calendar_feed_revoke(*, user: User, feed_id: int) -> CalendarFeed:
    """The user's own feed revoked; its URL answers 404 from now on."""
    with transaction.atomic():
        feed = found(CalendarFeed.objects.select_for_update().filter(pk=feed_id, user=user).first())
        if feed.revoked_at is None:
            feed.revoked_at = timezone.now()
            feed.save(update_fields=["revoked_at"])
            audit_record(actor=user, action="care.calendar_feed", target=feed, summary="revoke")
    return feed

"""Login limits on top of django-axes (settings AXES_*, docs/deployment.md "Login limits").

Failures count per (username, client address) and per client address. A username alone is
never locked: one address guessing at `admin` locks `admin` for that address only, and the
address itself after GUANXI_LOGIN_MAX_FAILURES_PER_ADDRESS failures on any usernames."""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum


def cool_off(request=None) -> timedelta:
    return timedelta(minutes=settings.GUANXI_LOGIN_LOCK_MINUTES)


def keep_response(request, original_response, credentials):
    """The page that was refused says so itself (login and profile pages, translated)."""
    return original_response


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginLimitHandler(AxesDatabaseHandler):
    """axes compares every parameter set with one limit; the address alone gets its own,
    higher one, so a few colleagues behind one office router do not lock each other out."""

    def get_failures(self, request, credentials=None) -> int:
        attempts = self.get_user_attempts(request, credentials)
        if len(attempts) != 2:  # AXES_LOCKOUT_PARAMETERS changed: axes' own rule
            return super().get_failures(request, credentials)
        by_pair, by_address = attempts
        failures = _failures(by_pair)
        if _failures(by_address) >= settings.GUANXI_LOGIN_MAX_FAILURES_PER_ADDRESS:
            return max(failures, get_failure_limit(request, credentials))
        return failures

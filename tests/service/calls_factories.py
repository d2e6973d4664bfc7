"""Call-centre records for tests: calls logged through the service (timeline, scope columns
and checks as the application makes them), integration tokens and rings."""

import datetime as dt

from django.utils import timezone

from guanxi.accounts.models import ApiToken, User
from guanxi.accounts.services import token_create
from guanxi.customers.models import Customer
from guanxi.service.calls.permissions import RINGING_SCOPE
from guanxi.service.calls.services import CallInput, call_log
from guanxi.service.models import Call


def make_call(
    agent: User,
    *,
    customer: Customer | None = None,
    type: str = "inquiry",
    number: str = "13900138000",
    minutes_ago: int = 30,
    notes: str = "",
) -> Call:
    return call_log(
        actor=agent,
        data=CallInput(
            direction="in",
            type=type,
            number=number,
            started_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
            duration_seconds=120,
            notes=notes,
        ),
        customer=customer,
    )


def integration_token(admin: User, name: str = "CTI") -> tuple[ApiToken, str]:
    """A ringing-scope token as an administrator creates it on the profile page."""
    return token_create(user=admin, name=name, scope=RINGING_SCOPE)

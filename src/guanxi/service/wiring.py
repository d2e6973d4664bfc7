"""Connects the service areas to the hooks of lower apps and registers the app's permissions
and audit actions: the one place, called once from ServiceConfig.ready()."""

from functools import cache

from guanxi.accounts import permissions as account_permissions
from guanxi.core.home import home_sections
from guanxi.service.calls import permissions as call_permissions
from guanxi.service.calls import views as call_views


@cache  # connects once, however often it is called
def connect() -> None:
    # the call centre (SRV-3): its permission, the softphone's token scope, the agent's home
    account_permissions.ALL.update(call_permissions.ALL)
    account_permissions.TOKEN_SCOPES[call_permissions.RINGING_SCOPE] = (
        call_permissions.RINGING_SCOPE_LABEL,
        account_permissions.MANAGE_USERS,
    )
    home_sections.register(call_views.home_agent_section)

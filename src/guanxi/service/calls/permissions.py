"""Permissions of the call centre (SRV-3), added to the roles' list in wiring.connect. Reading
the call log needs only the data scope (calls of the agents one's scope covers)."""

from django.utils.translation import gettext_lazy as _

CALLS = "service.calls"  # answer calls: the caller's card pops up on ringing; log calls

ALL = {
    CALLS: _("Answer calls: see the caller's card when the phone rings and log calls"),
}

# The integration token scope of the ringing endpoint (what a softphone or CTI holds); an
# administrator (accounts.manage) creates such tokens on their profile.
RINGING_SCOPE = "calls.ringing"
RINGING_SCOPE_LABEL = _("Call-centre integration: reports ringing calls only")

"""Permissions the portal app adds to the roles' list (registered in wiring.connect)."""

from django.utils.translation import gettext_lazy as _

MANAGE_FORMS = "portal.forms"  # set up web-to-lead forms

ALL = {
    MANAGE_FORMS: _("Set up web-to-lead forms"),
}

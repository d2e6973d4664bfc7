"""The audit-log actions of the portal app, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

FORM_SAVE = "portal.form_save"
PORTAL_SIGN_IN = "portal.sign_in"

LABELS = {
    FORM_SAVE: _("Changed a web-to-lead form"),
    PORTAL_SIGN_IN: _("A customer signed in to the portal"),
}

"""The audit-log actions of the satisfaction app, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "satisfaction.template_version": _("Published a new survey version"),
    "satisfaction.plan_update": _("Changed an improvement action plan"),
    "satisfaction.import": _("Imported external satisfaction results"),
}

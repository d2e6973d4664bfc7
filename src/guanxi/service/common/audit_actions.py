"""The audit-log actions of customer service, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "service.complaint_route": _("Routed a complaint"),
    "service.complaint_close": _("Closed a complaint"),
    "service.complaint_reopen": _("Reopened a complaint"),
    "service.complaint_setup": _("Changed complaint categories, routing or SLA targets"),
}

"""Permissions the service app adds to the roles' list (registered in wiring.connect). Work
on one's own complaints needs only the data scope; these name what reaches further."""

from django.utils.translation import gettext_lazy as _

COMPLAINT_LOG = "service.complaint_log"  # log a complaint for any customer in scope
COMPLAINT_ACCEPT = "service.complaint_accept"  # accept complaints waiting in a queue, route them
COMPLAINT_OTHERS = "service.complaint_others"  # work on, close, reopen others' complaints
COMPLAINT_SETUP = "service.complaint_setup"  # categories, routing rules, SLA targets, settings
COMPLAINT_STATS = "service.complaint_stats"  # the complaint statistics and the SLA board

ALL = {
    COMPLAINT_LOG: _("Log complaints for any customer in scope"),
    COMPLAINT_ACCEPT: _("Accept and route complaints waiting in a queue"),
    COMPLAINT_OTHERS: _("Work on complaints handled by other people"),
    COMPLAINT_SETUP: _("Set up complaint categories, routing and SLA targets"),
    COMPLAINT_STATS: _("See complaint statistics and the SLA board"),
}

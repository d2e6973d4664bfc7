"""Permissions the care app adds to the roles' list (registered in wiring.connect). Work on
one's own customers and one's own tasks needs only the data scope; these name what reaches
further."""

from django.utils.translation import gettext_lazy as _

TASK_OTHERS = "care.task_others"  # do, close, reassign 回访 and care tasks assigned to others
SPOT_CHECK = "care.spot_check"  # draw spot-check samples and record their results
MANAGE_RULES = "care.rules"  # care rules and 回访 topics
MANAGE_TEMPLATES = "care.templates"  # message templates
CONSENT = "care.consent"  # record customers' consents, do-not-disturb and quiet hours
SEND = "care.send"  # send a message to a customer by hand
RECEPTION_OTHERS = "care.reception_others"  # change front-desk entries others logged

ALL = {
    TASK_OTHERS: _("Work on 回访 and care tasks assigned to other people"),
    SPOT_CHECK: _("Draw spot checks and record their results"),
    MANAGE_RULES: _("Manage care rules and 回访 topics"),
    MANAGE_TEMPLATES: _("Manage message templates"),
    CONSENT: _("Record customers' consent and do-not-disturb"),
    SEND: _("Send messages to customers"),
    RECEPTION_OTHERS: _("Change front-desk entries logged by other people"),
}

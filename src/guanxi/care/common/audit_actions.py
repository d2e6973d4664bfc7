"""The audit-log actions of after-sales care, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "care.rule_update": _("Changed a care rule"),
    "care.template_update": _("Changed a message template"),
    "care.consent": _("Recorded a consent"),
    "care.calendar_feed": _("Created or revoked a calendar feed"),
    "care.task_reassign": _("Reassigned a care task"),
    "care.weather": _("Issued a bad-weather notice"),
}

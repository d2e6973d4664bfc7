"""The audit-log actions of imports, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "imports.run": _("Imported customers, follow-ups or purchases from a file"),
    "imports.rollback": _("Rolled back an import"),
}

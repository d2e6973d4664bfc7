"""The columns that say which open instalment a row of an export is, in the user's language:
the receivables page's Excel file and the list export of `imports` head them the same way."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def instalment_columns() -> list[str]:
    return [
        _("Contract"),
        _("Customer"),
        _("Owner"),
        _("Department"),
        _("Instalment"),
        _("Due date"),
        _("Amount"),
        _("Paid"),
        pgettext("money", "Open"),
    ]

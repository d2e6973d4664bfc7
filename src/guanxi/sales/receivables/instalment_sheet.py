"""The columns every spreadsheet of open instalments begins with: the receivables report's
own download and the background export of the list (`guanxi.imports.exports`) write the same
instalment the same way, so a user who tries both gets the same headers."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def instalment_columns() -> list[str]:
    """The headers, in the active language, of an instalment's contract, customer, owner,
    department, sequence, due date and amounts (amount, paid, open)."""
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

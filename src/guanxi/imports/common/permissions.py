"""Permissions the imports app adds to the roles' list (registered in wiring.connect).
Importing customers into one's own name needs only a login, as creating them does; these
name what reaches further."""

from django.utils.translation import gettext_lazy as _

IMPORT_FOR_OTHERS = "imports.for_others"  # import customers owned by other users in scope

ALL = {
    IMPORT_FOR_OTHERS: _("Import customers for other people"),
}

"""The permissions a role can grant. Codes are stored on roles; labels are translated."""

from collections.abc import Set as AbstractSet

from django.utils.translation import gettext_lazy as _

REVEAL_PII = "customer.reveal"  # see full phone and ID numbers (ARC-6)
EXPORT = "customer.export"  # export lists (RPT-2)
DELETE = "customer.delete"  # move to the recycle bin, restore
PURGE = "customer.purge"  # empty the recycle bin
EDIT_OTHERS = "customer.edit_others"  # change others' customers: archive, contacts, tags, files
MERGE = "customer.merge"  # merge duplicates (ARC-5)
HANDOVER = "customer.handover"  # staff-departure handover (ARC-9)
REASSIGN = "customer.reassign"  # change the owner of customers in scope
MANAGE_FIELDS = "customer.manage_fields"  # custom fields, tags, duplicate rules
MANAGE_USERS = "accounts.manage"  # users, departments, roles
VIEW_AUDIT = "audit.view"
MANAGE_CALENDAR = "calendar.manage"  # the working calendar: holidays and make-up days

# Who holds one of these sees the administration (the gear in the navbar, its home page);
# higher apps add the permissions of their administration pages in their wiring.
ADMINISTRATION: set[str] = {MANAGE_USERS, VIEW_AUDIT, MANAGE_FIELDS, MANAGE_CALENDAR}

ALL = {
    REVEAL_PII: _("See full phone and ID numbers"),
    EXPORT: _("Export data"),
    DELETE: _("Delete customers (to the recycle bin) and restore them"),
    PURGE: _("Empty the recycle bin"),
    EDIT_OTHERS: _(
        "Change other people's customers (archive, contacts, tags, files, collaborators)"
    ),
    MERGE: _("Merge duplicate customers"),
    HANDOVER: _("Hand over a departing user's customers"),
    REASSIGN: _("Change the owner of customers"),
    MANAGE_FIELDS: _("Manage custom fields, tags and duplicate rules"),
    MANAGE_USERS: _("Manage users, departments and roles"),
    VIEW_AUDIT: _("Read the audit log"),
    MANAGE_CALENDAR: _("Manage the working calendar (public holidays, make-up working days)"),
}


# Integration token scopes higher apps register (wiring): code → (label, permission needed to
# create such a token). A scoped token authenticates only the endpoints of its scope.
TOKEN_SCOPES: dict[str, tuple[object, str]] = {}


def token_scope_choices(codes: AbstractSet[str]) -> list[tuple[str, object]]:
    """The scopes a holder of the permission `codes` may create tokens of."""
    return [(code, label) for code, (label, needed) in TOKEN_SCOPES.items() if needed in codes]


def choices():
    return list(ALL.items())

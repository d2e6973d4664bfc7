from django.utils.translation import gettext_lazy as _

from guanxi.core.errors import DomainError, ValidationFailed


class AccountLocked(DomainError):
    default_message = _("Too many failed logins. This account is locked for a while.")
    status_code = 403


class DepartmentCycle(ValidationFailed):
    """Refused on the `parent` field: the form shows it there."""

    default_message = _("A department cannot be moved under itself.")

    def __init__(self) -> None:
        super().__init__(field_errors={"parent": [self.default_message]})

from django.utils.translation import gettext_lazy as _

from guanxi.core.errors import ValidationFailed


class LoginLimited(ValidationFailed):
    """Too many failed logins or wrong current passwords from this address (accounts.lockout);
    pages answer 429 with the wait on the field."""

    status_code = 429


class DepartmentCycle(ValidationFailed):
    """Refused on the `parent` field: the form shows it there."""

    default_message = _("A department cannot be moved under itself.")

    def __init__(self) -> None:
        super().__init__(field_errors={"parent": [self.default_message]})

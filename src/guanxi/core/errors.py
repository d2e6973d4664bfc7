"""Domain errors raised by services; views and the API turn them into translated messages."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the action. `field_errors` maps field names to messages."""

    default_message = _("The request could not be carried out.")
    status_code = 400

    def __init__(self, message=None, *, field_errors=None, code=None):
        self.message = message or self.default_message
        self.field_errors = dict(field_errors or {})
        self.code = code or self.__class__.__name__
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    default_message = _("Please correct the errors below.")
    status_code = 422


class NotFound(DomainError):
    default_message = _("Not found, or you may not see it.")
    status_code = 404


class PermissionDenied(DomainError):
    default_message = _("You do not have permission to do this.")
    status_code = 403


class Conflict(DomainError):
    default_message = _("Someone else changed this record; reload it and try again.")
    status_code = 409


class DuplicateFound(DomainError):
    default_message = _("A customer with the same details already exists.")
    status_code = 409

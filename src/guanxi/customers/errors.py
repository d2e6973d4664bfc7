from django.utils.translation import gettext_lazy as _

from guanxi.core.errors import Conflict, DomainError, DuplicateFound, NotFound, ValidationFailed

__all__ = [
    "Conflict",
    "CustomerDeleted",
    "CustomerDuplicate",
    "CustomerNotFound",
    "ValidationFailed",
]


class CustomerNotFound(NotFound):
    default_message = _("This customer does not exist or is outside your data scope.")


class CustomerDeleted(DomainError):
    default_message = _("This customer is in the recycle bin.")


class CustomerDuplicate(DuplicateFound):
    """Raised with `match` set to a short, scope-safe description of the existing record."""

    def __init__(self, message=None, *, field_errors=None, match_id=None, visible=False):
        super().__init__(message, field_errors=field_errors)
        self.match_id = match_id
        self.visible = visible

"""Domain errors raised by services, rendered by Django and the API by themselves.

`NotFound` is also Django's `Http404` and `PermissionDenied` also Django's
`PermissionDenied`, so a view lets them through and Django answers 404/403 with its pages;
the API's exception handler answers every `DomainError` as JSON in the caller's language.
Views catch only `ValidationFailed` (and put it on the form, `core.forms.form_add_errors`).
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class DomainError(Exception):
    """A business rule refused the action. `field_errors` maps field names to messages."""

    default_message = _("The request could not be carried out.")
    status_code = 400

    def __init__(
        self,
        message: "_StrOrPromise | None" = None,
        *,
        field_errors: Mapping[str, list] | None = None,
        code: str | None = None,
    ):
        self.message = message or self.default_message
        self.field_errors: dict[str, list] = dict(field_errors or {})
        self.code = code or self.__class__.__name__
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    default_message = _("Please correct the errors below.")
    status_code = 422


class NotFound(DomainError, Http404):
    default_message = _("Not found, or you may not see it.")
    status_code = 404


def found[T](obj: T | None) -> T:
    """`obj`, or NotFound (404) when there is none (a `.first()` that found nothing)."""
    if obj is None:
        raise NotFound()
    return obj


class PermissionDenied(DomainError, DjangoPermissionDenied):
    default_message = _("You do not have permission to do this.")
    status_code = 403


class Conflict(DomainError):
    default_message = _("Someone else changed this record; reload it and try again.")
    status_code = 409


class DuplicateFound(DomainError):
    default_message = _("A customer with the same details already exists.")
    status_code = 409


# The refusals a form shows with the input (a refused value, a state that does not allow the
# change). NotFound and PermissionDenied are not among them: Django answers those 404 and 403.
SHOWN_ON_FORM = (ValidationFailed, Conflict, DuplicateFound)


def invalid_field(field: str, message: "_StrOrPromise") -> ValidationFailed:
    """The error for one bad input field (the usual case of a refused parameter)."""
    return ValidationFailed(field_errors={field: [message]})

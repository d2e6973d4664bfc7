"""A service's refusal as the one line of a notice, for pages that answer a button with a
message above the page rather than with a form (the form case is core.forms.form_add_errors)."""

from guanxi.core.errors import DomainError, ValidationFailed


def first_message(exc: DomainError) -> str:
    """The first field error, else the error's message."""
    for field_messages in (exc.field_errors or {}).values():
        for message in field_messages:
            return str(message)
    return str(exc.message)


def error_text(exc: DomainError) -> str:
    """Every field error of a validation failure in one line, else the error's message."""
    details = [str(m) for messages in (exc.field_errors or {}).values() for m in messages]
    if details and isinstance(exc, ValidationFailed):
        return " ".join(details)
    return str(exc.message)

"""How a service's refusal reads as one message above a page (the pages that show it as a
notice rather than next to a form field)."""

from guanxi.core.errors import DomainError, ValidationFailed


def error_text(exc: DomainError) -> str:
    """The field messages of a validation error, else the error's own message."""
    details = [str(m) for messages in exc.field_errors.values() for m in messages]
    if details and isinstance(exc, ValidationFailed):
        return " ".join(details)
    return str(exc.message)

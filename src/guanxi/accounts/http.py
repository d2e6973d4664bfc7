"""The signed-in user of a request, typed: what views behind `login_required` and API
operations behind the API's authentication hand to services that take a `User`."""

from django.http import HttpRequest

from guanxi.accounts.models import User
from guanxi.core.errors import PermissionDenied


def request_user(request: HttpRequest) -> User:
    """The API caller (`request.auth`) or the session's user. Anything else (an anonymous
    user reaching a view that forgot `login_required`) is refused, never passed on."""
    user = getattr(request, "auth", None) or request.user
    if not isinstance(user, User) or not user.is_active:
        raise PermissionDenied()
    return user

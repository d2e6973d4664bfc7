"""View decorators for pages that need a permission, shared by every app's views."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from guanxi.accounts.selectors import user_can

type View = Callable[..., HttpResponse]


def permission_required(*codes: str) -> Callable[[View], View]:
    """Log in first; then 403 unless the user holds one of the permission codes."""

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(user_can(user=request.user, permission=code) for code in codes):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

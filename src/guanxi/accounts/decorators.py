"""View decorators for pages that need a permission, shared by every app's views."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from guanxi.accounts.selectors import user_can


def permission_required(*codes):
    """Log in first; then 403 unless the user holds one of the permission codes."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not any(user_can(user=request.user, permission=code) for code in codes):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

from guanxi.accounts import permissions
from guanxi.accounts.selectors import user_permissions


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    perms = user_permissions(user)
    return {"user_perms": perms, "can_administer": bool(perms & permissions.ADMINISTRATION)}

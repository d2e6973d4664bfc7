from guanxi.accounts import permissions
from guanxi.accounts.selectors import user_permissions

ADMINISTRATION = {
    permissions.MANAGE_USERS,
    permissions.VIEW_AUDIT,
    permissions.MANAGE_FIELDS,
    permissions.MANAGE_CALENDAR,
}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    perms = user_permissions(user)
    return {"user_perms": perms, "can_administer": bool(perms & ADMINISTRATION)}

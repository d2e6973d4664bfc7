from guanxi.accounts.selectors import user_permissions


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_perms": user_permissions(user)}

import hashlib

from guanxi.accounts import permissions
from guanxi.accounts.selectors import scope_for_user, user_permissions


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    perms = user_permissions(user=user)

    def nav_key() -> str:
        # Every link of the menu is decided by the permissions and by whether the scope covers
        # anybody else (the team pages); called only when the navbar is rendered.
        scope = scope_for_user(user=user)
        covers_others = scope.sees_all or bool(scope.department_ids) or len(scope.owner_ids) > 1
        text = ",".join(sorted(perms)) + f"|{covers_others}"
        return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()

    return {
        "user_perms": perms,
        "can_administer": bool(perms & permissions.ADMINISTRATION),
        "nav_key": nav_key,
    }

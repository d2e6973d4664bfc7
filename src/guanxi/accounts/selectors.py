"""Reads about users: their data scope and permissions, departments, tokens."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from guanxi.accounts.models import ApiToken, Department, Role, RoleCode, User
from guanxi.core import home
from guanxi.core.audit_text import audit_entries_describe
from guanxi.core.crypto import token_digest
from guanxi.core.models import AuditLog
from guanxi.core.querysets import filter_given
from guanxi.core.scope import DataScope, Scope

_SCOPE_CACHE = "_guanxi_scope"
_PERMS_CACHE = "_guanxi_perms"


_ROLES_CACHE = "_guanxi_roles"


def user_roles(*, user: User) -> list[Role]:
    """The user's roles, read once per user object (scope and permissions both need them)."""
    cached = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        cached = list(user.roles.all())
        setattr(user, _ROLES_CACHE, cached)
    return cached


def user_permissions(*, user: User | AnonymousUser) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, _PERMS_CACHE, None)
    if cached is None:
        codes: set[str] = set()
        for role in user_roles(user=user):
            codes.update(role.permissions or [])
        cached = frozenset(codes)
        setattr(user, _PERMS_CACHE, cached)
    return cached


def user_can(*, user: User | AnonymousUser, permission: str) -> bool:
    return permission in user_permissions(user=user)


def user_can_each(*, user: User | AnonymousUser, permissions: Mapping[str, str]) -> dict[str, bool]:
    """For each name (a menu's entries), whether the user holds its permission."""
    held = user_permissions(user=user)
    return {name: permission in held for name, permission in permissions.items()}


def department_subtree_ids(*, department: Department | None) -> set[int]:
    if department is None:
        return set()
    return set(
        Department.objects.filter(path__startswith=department.path).values_list("id", flat=True)
    )


def subordinate_ids(*, user: User) -> set[int]:
    """Everyone who reports to `user`, directly or through others (汇报对象 chain)."""
    found: set[int] = set()
    frontier = {user.pk}
    while frontier:
        below = (
            set(User.objects.filter(reports_to_id__in=frontier).values_list("id", flat=True))
            - found
            - {user.pk}
        )
        found |= below
        frontier = below
    return found


def scope_for_user(*, user: User | AnonymousUser) -> Scope:
    """The union of the data scopes of the user's roles, cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope.nothing()
    cached = getattr(user, _SCOPE_CACHE, None)
    if cached is not None:
        return cached
    widths = {role.data_scope for role in user_roles(user=user)}
    owner_ids = {user.pk}
    department_ids: set[int] = set()
    sees_all = DataScope.ALL in widths
    if not sees_all:
        if DataScope.OWN_AND_SUBORDINATES in widths:
            owner_ids |= subordinate_ids(user=user)
        if DataScope.DEPARTMENT_TREE in widths:
            department_ids |= department_subtree_ids(department=user.department)
        elif DataScope.DEPARTMENT in widths and user.department_id:
            department_ids.add(user.department_id)
    scope = Scope(
        user_id=user.pk,
        sees_all=sees_all,
        owner_ids=frozenset(owner_ids),
        department_ids=frozenset(department_ids),
        permissions=user_permissions(user=user),
    )
    setattr(user, _SCOPE_CACHE, scope)
    return scope


def forget_cached_scope(*, user: User | AnonymousUser) -> None:
    for attr in (_SCOPE_CACHE, _PERMS_CACHE, _ROLES_CACHE):
        if hasattr(user, attr):
            delattr(user, attr)


def users_in_scope(*, user: User | AnonymousUser) -> QuerySet[User]:
    """Users whose records the given user may see — the choices for owner filters."""
    scope = scope_for_user(user=user)
    users = User.objects.filter(is_active=True).select_related("department")
    if scope.sees_all:
        return users
    return users.filter(Q(id__in=scope.owner_ids) | Q(department_id__in=scope.department_ids))


def departments_in_scope(*, user: User) -> QuerySet[Department]:
    scope = scope_for_user(user=user)
    departments = Department.objects.all()
    if scope.sees_all:
        return departments
    own = [user.department_id] if user.department_id else []
    return departments.filter(id__in=set(scope.department_ids) | set(own))


def department_tree() -> list[Department]:
    """All departments in tree order (path), each with `depth` for indentation."""
    return list(Department.objects.order_by("path"))


def token_for_key(*, raw: str) -> ApiToken | None:
    """The active token with this key: not revoked, not expired, of an active user."""
    if not raw or not raw.startswith(ApiToken.PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is not None and (
        token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_list(*, user_id: int | None = None, active_only: bool = False) -> QuerySet[ApiToken]:
    """Every user's tokens for the administrators' page (newest first)."""
    tokens = ApiToken.objects.select_related("user")
    if user_id:
        tokens = tokens.filter(user_id=user_id)
    if active_only:
        tokens = tokens.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )
    return tokens.order_by("-created_at", "-id")


# ---------------------------------------------------------------- login limits


def _cool_off_start() -> datetime:
    return timezone.now() - timedelta(minutes=settings.GUANXI_LOGIN_LOCK_MINUTES)


def login_wait_minutes(*, ip_address: str | None) -> int:
    """Whole minutes (rounded up) until failures from this address stop counting: the wait a
    locked-out login from here is told about."""
    last = (
        AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=_cool_off_start())
        .aggregate(last=Max("attempt_time"))
        .get("last")
    )
    if last is None:
        return settings.GUANXI_LOGIN_LOCK_MINUTES
    seconds = (
        last + timedelta(minutes=settings.GUANXI_LOGIN_LOCK_MINUTES) - timezone.now()
    ).total_seconds()
    return max(1, -(-int(seconds) // 60))


def locked_usernames(*, usernames: Iterable[str]) -> set[str]:
    """Which of these users cannot log in from some address now (too many failures there)."""
    rows = (
        AccessAttempt.objects.filter(
            username__in=list(usernames), attempt_time__gte=_cool_off_start()
        )
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.GUANXI_LOGIN_MAX_FAILURES)
    )
    return {row["username"] for row in rows}


# ---------------------------------------------------------------- account pages


def department_tree_with_counts() -> list[Department]:
    """All departments in tree order with `member_count` and `child_count` for the admin."""
    return list(
        Department.objects.select_related("manager", "parent")
        .annotate(
            member_count=Count("members", distinct=True),
            child_count=Count("children", distinct=True),
        )
        .order_by("path")
    )


def user_list(
    *, q: str = "", department_id: int | None = None, role_id: int | None = None, active: str = ""
) -> QuerySet[User]:
    """Users for the admin list: search by name/username, filter by department, role, active."""
    users = User.objects.select_related("department", "reports_to").prefetch_related("roles")
    q = (q or "").strip()
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(display_name__icontains=q) | Q(mobile__icontains=q)
        )
    if department_id:
        users = users.filter(department_id=department_id)
    if role_id:
        users = users.filter(roles__id=role_id)
    if active == "yes":
        users = users.filter(is_active=True)
    elif active == "no":
        users = users.filter(is_active=False)
    return users.order_by("username", "id").distinct()


def role_list() -> list[Role]:
    return list(Role.objects.order_by("id"))


def audit_log_page(
    *, action: str = "", actor_id: int | None = None, before_id: int | None = None, limit: int = 50
) -> tuple[list[AuditLog], int | None]:
    """Audit entries newest first, keyset-paged by id: (rows, id to pass as `before` or None)."""
    rows = filter_given(
        AuditLog.objects.select_related("actor").order_by("-id"),
        action=action,
        actor_id=actor_id,
        id__lt=before_id,
    )
    page = list(rows[: limit + 1])
    more = len(page) > limit
    page = audit_entries_describe(page[:limit])
    return page, (page[-1].pk if more and page else None)


# ---------------------------------------------------------------- home page

# The kinds of home page of each shipped role (core.home). Roles are the shipped six, edited
# but never created, so the code names the job.
ROLE_HOME: dict[str, tuple[str, ...]] = {
    RoleCode.CONSULTANT: (home.SALES,),
    RoleCode.MANAGER: (home.MANAGER,),
    RoleCode.CUSTOMER_RELATIONS: (home.RELATIONS,),
    RoleCode.SERVICE_AGENT: (home.SERVICE,),
    RoleCode.MARKETING: (home.MARKETING,),
    RoleCode.ADMIN: (home.ADMIN,),
}


def home_kinds(*, user: User) -> frozenset[str]:
    """The kinds of home page the user's roles give; a user without a role gets the service
    agent's (find a customer), which shows nothing beyond their scope."""
    kinds = {kind for role in user_roles(user=user) for kind in ROLE_HOME.get(role.code, ())}
    return frozenset(kinds or {home.SERVICE})


@dataclass(frozen=True)
class AdminOverview:
    active_users: int
    locked: list[str]  # usernames that cannot sign in from some address now
    tokens_expiring: int  # active API tokens that expire within TOKEN_WARN_DAYS
    recent: list[AuditLog]


TOKEN_WARN_DAYS = 14


def admin_overview(*, recent: int = 8) -> AdminOverview:
    now = timezone.now()
    attempted = (
        AccessAttempt.objects.filter(attempt_time__gte=_cool_off_start())
        .values_list("username", flat=True)
        .distinct()
    )
    expiring = ApiToken.objects.filter(
        revoked_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=TOKEN_WARN_DAYS),
    )
    entries = list(AuditLog.objects.select_related("actor").order_by("-id")[:recent])
    return AdminOverview(
        active_users=User.objects.filter(is_active=True).count(),
        locked=sorted(locked_usernames(usernames=(name for name in attempted if name))),
        tokens_expiring=expiring.count(),
        recent=audit_entries_describe(entries),
    )

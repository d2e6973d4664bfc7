"""Writes about the organisation: departments, users, roles, logins, API tokens."""

import secrets
from collections.abc import Iterable
from datetime import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.accounts import hooks
from guanxi.accounts.errors import DepartmentCycle, LoginLimited
from guanxi.accounts.models import ApiToken, Department, Role, User
from guanxi.accounts.permissions import ALL, token_scope_choices
from guanxi.accounts.selectors import forget_cached_scope, login_wait_minutes, user_permissions
from guanxi.accounts.time_zones import time_zone_valid
from guanxi.core.audit import audit_record, client_ip
from guanxi.core.crypto import token_digest
from guanxi.core.errors import ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.core.phones import normalize_phone


def _path_for(department: Department) -> str:
    parent = department.parent
    prefix = parent.path if parent is not None else "/"
    return f"{prefix}{department.pk}/"


def _placement_checked(
    *, name: str, parent: Department | None, moved: Department | None = None
) -> str:
    """`name` stripped, for a department going under `parent`: named, not under itself or
    its own sub-departments (when `moved` is an existing department), and not beside another
    department of the same name."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(field_errors={"name": [_("Enter a name.")]})
    if moved is not None and parent is not None and parent.path.startswith(moved.path):
        raise DepartmentCycle()
    siblings = Department.objects.filter(parent=parent, name=name)
    if moved is not None:
        siblings = siblings.exclude(pk=moved.pk)
    if siblings.exists():
        raise ValidationFailed(
            field_errors={"name": [_("A department of this name already exists here.")]}
        )
    return name


@transaction.atomic
def department_create(
    *, name: str, parent: Department | None = None, sort_order: int = 0
) -> Department:
    name = _placement_checked(name=name, parent=parent)
    department = Department.objects.create(name=name[:60], parent=parent, sort_order=sort_order)
    department.path = _path_for(department)
    department.save(update_fields=["path"])
    return department


@transaction.atomic
def department_update(
    *, department: Department, name: str, parent: Department | None, manager: User | None = None
) -> Department:
    name = _placement_checked(name=name, parent=parent, moved=department)
    old_path = department.path
    department.name = name[:60]
    department.parent = parent
    department.manager = manager
    department.path = _path_for(department)
    department.save()
    if old_path != department.path:
        Department.objects.filter(path__startswith=old_path).exclude(pk=department.pk).update(
            path=Concat(Value(department.path), Substr("path", len(old_path) + 1))
        )
    return department


@transaction.atomic
def department_delete(*, department: Department) -> None:
    if department.children.exists():
        raise ValidationFailed(_("Move or delete the sub-departments first."))
    if department.members.exists():
        raise ValidationFailed(_("Move the members of this department first."))
    department.delete()


def _clean_user_fields(
    *, username: str, display_name: str, mobile: str, email: str
) -> tuple[str, str, str, str]:
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = [_("Enter a username.")]
    elif len(username) > 150:
        errors["username"] = [_("At most 150 characters.")]
    try:
        mobile = normalize_phone(mobile or "", mobile=True)
    except ValidationError as exc:
        errors["mobile"] = list(exc.messages)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return username, (display_name or "").strip()[:40], mobile, (email or "").strip()


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    display_name: str = "",
    department: Department | None = None,
    reports_to: User | None = None,
    roles: Iterable[Role] = (),
    mobile: str = "",
    email: str = "",
    language: str = "zh-hans",
    validate: bool = True,
    actor: User | None = None,
) -> User:
    username, display_name, mobile, email = _clean_user_fields(
        username=username, display_name=display_name, mobile=mobile, email=email
    )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(field_errors={"username": [_("This username is taken.")]})
    user = User(
        username=username,
        display_name=display_name,
        department=department,
        reports_to=reports_to,
        mobile=mobile,
        email=email,
        language=language,
    )
    if validate:
        _password_validate(user=user, password=password, field="password")
    user.set_password(password)
    user.save()
    roles = list(roles)
    user.roles.set(roles)
    audit_record(
        actor=actor,
        action=AuditLog.Action.USER_CREATE,
        target=user,
        values={
            "username": user.username,
            "display_name": user.display_name,
            "department": department,
            "roles": sorted(r.pk for r in roles),
        },
    )
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    actor: User | None,
    display_name: str,
    department: Department | None,
    reports_to: User | None,
    roles: Iterable[Role],
    mobile: str = "",
    email: str = "",
    is_active: bool = True,
) -> User:
    """Save a user. A role change is audited; so is deactivation, which also revokes the
    user's API tokens (a departed user's integration must stop with them)."""
    _username, display_name, mobile, email = _clean_user_fields(
        username=user.username, display_name=display_name, mobile=mobile, email=email
    )
    roles = list(roles)
    if reports_to is not None and reports_to.pk == user.pk:
        raise ValidationFailed(
            field_errors={"reports_to": [_("A user cannot report to themself.")]}
        )
    old_department_id = user.department_id
    old_roles = sorted(user.roles.values_list("id", flat=True))
    was_active = user.is_active
    user.display_name = display_name
    user.department = department
    user.reports_to = reports_to
    user.mobile = mobile
    user.email = email
    user.is_active = is_active
    user.save()
    user.roles.set(roles)
    new_roles = sorted(r.pk for r in roles)
    if old_roles != new_roles:
        audit_record(
            actor=actor,
            action=AuditLog.Action.PERMISSION,
            target=user,
            changes={"roles": (old_roles, new_roles)},
        )
    if was_active != is_active:
        revoked = 0 if is_active else _tokens_revoke_all(user=user, actor=actor)
        audit_record(
            actor=actor,
            action=AuditLog.Action.REACTIVATE if is_active else AuditLog.Action.DEACTIVATE,
            target=user,
            changes={"is_active": (was_active, is_active)},
            detail={"tokens_revoked": revoked},
        )
    if old_department_id != user.department_id:
        hooks.user_department_changed.call_all(
            user=user, old_department_id=old_department_id, new_department_id=user.department_id
        )
    forget_cached_scope(user=user)
    return user


def _password_validate(*, user: User, password: str, field: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(field_errors={field: list(exc.messages)}) from exc


def user_password_change(
    *, user: User, old_password: str, new_password: str, request: HttpRequest
) -> None:
    """The user changes their own password. A wrong current password counts as a failed
    login for this user from this address (accounts.lockout): nobody at an unlocked screen
    can try passwords here faster than at the login page. Not one transaction: the counted
    failure must stay when the change is refused."""
    credentials = {"username": user.username}
    if not AxesProxyHandler.is_allowed(request, credentials):
        raise LoginLimited(field_errors={"old_password": [login_wait_message(request=request)]})
    if not user.check_password(old_password):
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            raise LoginLimited(field_errors={"old_password": [login_wait_message(request=request)]})
        raise ValidationFailed(field_errors={"old_password": [_("Your old password is wrong.")]})
    _password_validate(user=user, password=new_password, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action=AuditLog.Action.PASSWORD_CHANGE, target=user, request=request)


@transaction.atomic
def user_password_reset(
    *, user: User, actor: User, new_password: str, revoke_tokens: bool = True
) -> int:
    """An administrator sets a user's password; by default the user's API tokens are revoked
    with it (a reset usually means the account may be in other hands). Returns the number of
    tokens revoked."""
    _password_validate(user=user, password=new_password, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    revoked = _tokens_revoke_all(user=user, actor=actor) if revoke_tokens else 0
    audit_record(
        actor=actor,
        action=AuditLog.Action.PASSWORD_RESET,
        target=user,
        detail={"tokens_revoked": revoked},
    )
    return revoked


def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(field_errors={"language": [_("Unknown language.")]})
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


def user_set_time_zone(*, user: User, time_zone: str, request: HttpRequest | None = None) -> None:
    """The user's own time zone: an IANA name this server knows (zoneinfo); audited."""
    time_zone = (time_zone or "").strip()
    if not time_zone_valid(time_zone):
        raise ValidationFailed(field_errors={"time_zone": [_("Unknown time zone.")]})
    before = user.time_zone
    if before == time_zone:
        return
    User.objects.filter(pk=user.pk).update(time_zone=time_zone)
    user.time_zone = time_zone
    audit_record(
        actor=user,
        action=AuditLog.Action.TIME_ZONE,
        target=user,
        changes={"time_zone": (before, time_zone)},
        request=request,
    )


@transaction.atomic
def user_set_preferences(
    *,
    user: User,
    language: str | None = None,
    time_zone: str | None = None,
    request: HttpRequest | None = None,
) -> None:
    """The user's own language and time zone at once (None: unchanged); both or neither."""
    if language is not None:
        user_set_language(user=user, language=language)
    if time_zone is not None:
        user_set_time_zone(user=user, time_zone=time_zone, request=request)


def login_wait_message(*, request: HttpRequest) -> str:
    minutes = login_wait_minutes(ip_address=client_ip(request))
    return ngettext(
        "Too many failed logins. Try again in %(n)d minute.",
        "Too many failed logins. Try again in %(n)d minutes.",
        minutes,
    ) % {"n": minutes}


def login_failed(*, username: str, request: HttpRequest) -> None:
    """Audit a failed login of an existing user, and the lock-out it may have caused (axes
    counted the failure already, see accounts.lockout)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return
    audit_record(actor=user, action=AuditLog.Action.LOGIN_FAILED, target=user, request=request)
    if getattr(request, "axes_locked_out", False):
        audit_record(actor=user, action=AuditLog.Action.LOCKED, target=user, request=request)


def login_succeeded(*, user: User, request: HttpRequest | None = None) -> None:
    audit_record(actor=user, action=AuditLog.Action.LOGIN, target=user, request=request)


def user_unlock(*, user: User, actor: User | None = None) -> int:
    """Forget the user's failed logins from every address (and so what they added to those
    addresses' counts). Returns how many records were cleared."""
    cleared = axes_reset(username=user.username)
    audit_record(
        actor=actor, action=AuditLog.Action.UNLOCK, target=user, detail={"cleared": cleared}
    )
    return cleared


def token_create(
    *, user: User, name: str, expires_at: datetime | None = None, scope: str = ""
) -> tuple[ApiToken, str]:
    """Create a token and return it with its raw key, which is never stored or shown again.
    A `scope` makes it an integration token (permissions.TOKEN_SCOPES) that only that scope's
    endpoints accept."""
    name = (name or "").strip()[:60]
    if not name:
        raise ValidationFailed(field_errors={"name": [_("Give the token a name.")]})
    if scope and scope not in dict(token_scope_choices(user_permissions(user=user))):
        raise ValidationFailed(
            field_errors={"scope": [_("You may not create tokens of this kind.")]}
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(
            field_errors={"expires_at": [_("Choose an expiry date in the future.")]}
        )
    raw = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_prefix=raw[:10],
        key_hash=token_digest(raw),
        expires_at=expires_at,
        scope=scope,
    )
    audit_record(
        actor=user,
        action=AuditLog.Action.TOKEN,
        target=token,
        summary=f"+ {name}",
        values={"user": user, "expires_at": expires_at, "scope": scope},
    )
    return token, raw


def token_revoke(*, token: ApiToken, actor: User | None) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.TOKEN,
            target=token,
            summary=f"- {token.name}",
            values={"user": token.user_id},
        )


def _tokens_revoke_all(*, user: User, actor: User | None) -> int:
    tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        token_revoke(token=token, actor=actor)
    return len(tokens)


def role_update(
    *, role: Role, actor: User, name: str, data_scope: str, permissions: Iterable[str]
) -> Role:
    permissions = set(permissions)
    unknown = permissions - set(ALL)
    if unknown:
        raise ValidationFailed(field_errors={"permissions": [_("Unknown permission.")]})
    if data_scope not in dict(Role.DATA_SCOPE_CHOICES):
        raise ValidationFailed(field_errors={"data_scope": [_("Unknown data scope.")]})
    old_scope, old_permissions = role.data_scope, sorted(role.permissions or [])
    role.name = (name or role.name).strip()[:60]
    role.data_scope = data_scope
    role.permissions = sorted(permissions)
    role.save()
    audit_record(
        actor=actor,
        action=AuditLog.Action.PERMISSION,
        target=role,
        changes={
            "data_scope": (old_scope, role.data_scope),
            "permissions": (old_permissions, role.permissions),
        },
    )
    return role

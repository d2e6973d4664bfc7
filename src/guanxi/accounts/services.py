"""Writes about the organisation: departments, users, roles, logins, API tokens."""

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts import hooks
from guanxi.accounts.errors import AccountLocked, DepartmentCycle
from guanxi.accounts.models import ApiToken, Department, Role, User
from guanxi.accounts.permissions import ALL
from guanxi.accounts.selectors import forget_cached_scope
from guanxi.core.audit import audit_record
from guanxi.core.errors import ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.core.phones import normalize_phone


def _path_for(department: Department) -> str:
    parent = department.parent
    prefix = parent.path if parent is not None else "/"
    return f"{prefix}{department.pk}/"


@transaction.atomic
def department_create(
    *, name: str, parent: Department | None = None, sort_order: int = 0
) -> Department:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(field_errors={"name": [_("Enter a name.")]})
    if Department.objects.filter(parent=parent, name=name).exists():
        raise ValidationFailed(
            field_errors={"name": [_("A department of this name already exists here.")]}
        )
    department = Department.objects.create(name=name[:60], parent=parent, sort_order=sort_order)
    department.path = _path_for(department)
    department.save(update_fields=["path"])
    return department


@transaction.atomic
def department_update(
    *, department: Department, name: str, parent: Department | None, manager: User | None = None
) -> Department:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(field_errors={"name": [_("Enter a name.")]})
    if parent is not None and parent.path.startswith(department.path):
        raise DepartmentCycle()
    if Department.objects.filter(parent=parent, name=name).exclude(pk=department.pk).exists():
        raise ValidationFailed(
            field_errors={"name": [_("A department of this name already exists here.")]}
        )
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
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationFailed(field_errors={"password": list(exc.messages)}) from exc
    user.set_password(password)
    user.save()
    user.roles.set(roles)
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
    _username, display_name, mobile, email = _clean_user_fields(
        username=user.username, display_name=display_name, mobile=mobile, email=email
    )
    roles = list(roles)
    if reports_to is not None and reports_to.pk == user.pk:
        raise ValidationFailed(
            field_errors={"reports_to": [_("A user cannot report to themself.")]}
        )
    old_department_id = user.department_id
    old_roles = sorted(user.roles.values_list("code", flat=True))
    user.display_name = display_name
    user.department = department
    user.reports_to = reports_to
    user.mobile = mobile
    user.email = email
    user.is_active = is_active
    user.save()
    user.roles.set(roles)
    new_roles = sorted(r.code for r in roles)
    if old_roles != new_roles:
        audit_record(
            actor=actor,
            action=AuditLog.Action.PERMISSION,
            target=user,
            summary=f"{user.username}: {','.join(old_roles)} → {','.join(new_roles)}",
        )
    if old_department_id != user.department_id:
        hooks.user_department_changed.call_all(
            user=user, old_department_id=old_department_id, new_department_id=user.department_id
        )
    forget_cached_scope(user)
    return user


def user_set_password(*, user: User, old_password: str | None, new_password: str) -> None:
    if old_password is not None and not user.check_password(old_password):
        raise ValidationFailed(field_errors={"old_password": [_("Your old password is wrong.")]})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed(field_errors={"new_password": list(exc.messages)}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])


def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(field_errors={"language": [_("Unknown language.")]})
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


def login_check_lock(*, username: str) -> None:
    user = User.objects.filter(username=username).only("locked_until").first()
    if user is not None and user.is_locked:
        raise AccountLocked()


def login_failed(*, username: str, request: HttpRequest | None = None) -> None:
    """Count a failed login; lock the account after GUANXI_LOGIN_MAX_FAILURES in a row."""
    with transaction.atomic():
        updated = User.objects.filter(username=username).update(
            failed_logins=F("failed_logins") + 1
        )
        if not updated:
            return
        user = User.objects.get(username=username)
        audit_record(actor=user, action=AuditLog.Action.LOGIN_FAILED, target=user, request=request)
        if user.failed_logins >= settings.GUANXI_LOGIN_MAX_FAILURES:
            until = timezone.now() + timedelta(minutes=settings.GUANXI_LOGIN_LOCK_MINUTES)
            User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=until)
            audit_record(actor=user, action=AuditLog.Action.LOCKED, target=user, request=request)


def login_succeeded(*, user: User, request: HttpRequest | None = None) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    audit_record(actor=user, action=AuditLog.Action.LOGIN, target=user, request=request)


def user_unlock(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its raw key, which is never stored or shown again."""
    name = (name or "").strip()[:60]
    if not name:
        raise ValidationFailed(field_errors={"name": [_("Give the token a name.")]})
    raw = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_prefix=raw[:10], key_hash=ApiToken.digest(raw)
    )
    audit_record(actor=user, action=AuditLog.Action.TOKEN, target=token, summary=f"+ {name}")
    return token, raw


def token_revoke(*, token: ApiToken, actor: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, action=AuditLog.Action.TOKEN, target=token, summary=f"- {token.name}"
        )


def role_update(
    *, role: Role, actor: User, name: str, data_scope: str, permissions: Iterable[str]
) -> Role:
    permissions = set(permissions)
    unknown = permissions - set(ALL)
    if unknown:
        raise ValidationFailed(field_errors={"permissions": [_("Unknown permission.")]})
    if data_scope not in dict(Role.DATA_SCOPE_CHOICES):
        raise ValidationFailed(field_errors={"data_scope": [_("Unknown data scope.")]})
    role.name = (name or role.name).strip()[:60]
    role.data_scope = data_scope
    role.permissions = sorted(permissions)
    role.save()
    audit_record(
        actor=actor,
        action=AuditLog.Action.PERMISSION,
        target=role,
        summary=f"{role.code}: {data_scope} {','.join(role.permissions)}",
    )
    return role

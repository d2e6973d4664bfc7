"""/api/v1/users, /departments, /tokens (INTG-2)."""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from guanxi.accounts import selectors, services
from guanxi.accounts.permissions import MANAGE_USERS
from guanxi.core.errors import PermissionDenied, found
from guanxi.core.schemas import Input, RefOf, ShortText, choices
from guanxi.core.waiting import WAITING_CAP, waiting_for

router = Router(tags=["accounts"])


class RoleOut(Schema):
    code: str
    name: str
    data_scope: str


class ScopeOut(Schema):
    sees_all: bool
    owner_ids: list[int] = Field(description="Owners whose customers you see")
    department_ids: list[int] = Field(description="Departments whose customers you see")


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    department: RefOf | None
    roles: list[RoleOut]
    data_scope: ScopeOut
    permissions: list[str]
    language: str
    time_zone: str


class MeSettingsIn(Input):
    """The caller's own settings; a field left out keeps its value."""

    language: str | None = Field(
        None, json_schema_extra=choices(code for code, _name in settings.LANGUAGES)
    )
    time_zone: ShortText | None = Field(
        None, description="An IANA time zone name, e.g. Asia/Shanghai", min_length=1
    )


class UserOut(Schema):
    id: int
    username: str
    name: str
    department: RefOf | None


class DepartmentOut(Schema):
    id: int
    name: str
    parent_id: int | None
    path: str
    depth: int
    sort_order: int
    manager_id: int | None


class TokenOut(Schema):
    id: int
    name: str
    key_prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    expires_at: dt.datetime | None


class TokenOfUserOut(TokenOut):
    user: RefOf


class TokenCreated(TokenOut):
    key: str = Field(description="The token; shown this once and never again")


class TokenIn(Input):
    name: str = Field(max_length=60)
    expires_at: dt.datetime | None = Field(
        None, description="When the token stops working; none: until revoked"
    )


def _user_out(user) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "name": str(user),
        "department": user.department,
    }


@router.get("/users/me", response=MeOut, summary="The caller: roles, data scope, permissions")
def me(request):
    return _me_out(request.auth)


@router.patch("/users/me", response=MeOut, summary="Change your own language or time zone")
def me_update(request, payload: MeSettingsIn):
    services.user_set_preferences(
        user=request.auth,
        language=payload.language,
        time_zone=payload.time_zone,
        request=request,
    )
    return _me_out(request.auth)


class WaitingOut(Schema):
    kind: str = Field(description="approvals, overdue_followups, overdue_instalments …")
    label: str
    count: int = Field(description=f"Counted up to {WAITING_CAP + 1}")
    url: str = Field(description="The page that lists them")


@router.get(
    "/users/me/waiting",
    response=list[WaitingOut],
    summary="What is waiting for you (the navbar's 待办 badge): each kind with a count",
)
def me_waiting(request):
    return waiting_for(user=request.auth)


def _me_out(user) -> dict:
    scope = selectors.scope_for_user(user=user)
    return {
        **_user_out(user),
        "email": user.email,
        "roles": [
            {"code": r.code, "name": r.display_name, "data_scope": r.data_scope}
            for r in selectors.user_roles(user=user)
        ],
        "data_scope": {
            "sees_all": scope.sees_all,
            "owner_ids": sorted(scope.owner_ids),
            "department_ids": sorted(scope.department_ids),
        },
        "permissions": sorted(selectors.user_permissions(user=user)),
        "language": user.language,
        "time_zone": user.time_zone,
    }


@router.get("/users", response=list[UserOut], summary="Users whose records you see")
def user_list(request):
    return [_user_out(u) for u in selectors.users_in_scope(user=request.auth)]


@router.get("/departments", response=list[DepartmentOut], summary="The organisation tree")
def department_list(request):
    return selectors.department_tree()


@router.get("/tokens", response=list[TokenOut], tags=["tokens"], summary="Your API tokens")
def token_list(request):
    return list(selectors.tokens_of(user=request.auth))


@router.post(
    "/tokens", response={201: TokenCreated}, tags=["tokens"], summary="Create an API token"
)
def token_create(request, payload: TokenIn):
    # A token never mints tokens: a leaked one would otherwise outlive its own revocation.
    if getattr(request, "api_token", None) is not None:
        raise PermissionDenied(
            _("Create API tokens while logged in (Profile → API tokens), not with a token.")
        )
    token, raw = services.token_create(
        user=request.auth, name=payload.name, expires_at=payload.expires_at
    )
    return Status(201, {**TokenOut.from_orm(token).dict(), "key": raw})


@router.delete(
    "/tokens/{int:token_id}", response={204: None}, tags=["tokens"], summary="Revoke a token"
)
def token_revoke(request, token_id: int):
    token = found(selectors.tokens_of(user=request.auth).filter(pk=token_id).first())
    services.token_revoke(token=token, actor=request.auth)
    return Status(204, None)


def _require_manage(request) -> None:
    if not selectors.user_can(user=request.auth, permission=MANAGE_USERS):
        raise PermissionDenied()


@router.get(
    "/admin/tokens",
    response=list[TokenOfUserOut],
    tags=["tokens"],
    summary="Every user's API tokens (accounts.manage)",
)
def token_admin_list(request, user_id: int | None = None, active: bool = False):
    _require_manage(request)
    return [
        {**TokenOut.from_orm(token).dict(), "user": token.user}
        for token in selectors.token_list(user_id=user_id, active_only=active)
    ]


@router.delete(
    "/admin/tokens/{int:token_id}",
    response={204: None},
    tags=["tokens"],
    summary="Revoke any user's API token (accounts.manage)",
)
def token_admin_revoke(request, token_id: int):
    _require_manage(request)
    token = found(selectors.token_list().filter(pk=token_id).first())
    services.token_revoke(token=token, actor=request.auth)
    return Status(204, None)

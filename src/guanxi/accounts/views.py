"""Account pages: login/logout, own profile (password, language, API tokens) and the
administration of departments, users, roles and the audit log. Thin: parse, call one
service or selector, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts import forms, hooks, permissions, selectors, services
from guanxi.accounts.decorators import permission_required
from guanxi.accounts.http import request_user
from guanxi.accounts.models import Department, Role, User
from guanxi.core.errors import ValidationFailed, invalid_field
from guanxi.core.forms import form_add_errors
from guanxi.core.home import ADMIN, HomeSection, home_section, home_sections_for
from guanxi.core.http import action_then_back, form_page, form_saved, query_without, render_form

# ---------------------------------------------------------------- helpers


manage_users_required = permission_required(permissions.MANAGE_USERS)

ADMIN_PAGE_ROWS = 50


def _admin_page(request, rows) -> tuple[Page, str]:
    """The page of `rows` that `?page=` asks for, and the query string its links keep (the
    list's filters)."""
    page = Paginator(rows, ADMIN_PAGE_ROWS).get_page(request.GET.get("page"))
    return page, query_without(request, "page")


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)


# ---------------------------------------------------------------- login / logout


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    """The same answer, status and work (a password hash) for a wrong password, an unknown
    username and an inactive user; 429 with the wait once this address may not try again."""
    next_url = _safe_next(request, settings.LOGIN_REDIRECT_URL)
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url)
    form = forms.LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            services.login_failed(username=username, request=request)
            if getattr(request, "axes_locked_out", False):
                form.add_error(None, services.login_wait_message(request=request))
                status = 429
            else:
                form.add_error(None, _("The username or password is wrong."))
        else:
            login(request, user)
            services.login_succeeded(user=user, request=request)
            if user.language:
                translation.activate(user.language)
            response = redirect(next_url)
            if user.language:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language)
            return response
    return render(
        request,
        "registration/login.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next") or ""},
        status=status,
    )


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


# ---------------------------------------------------------------- profile


def _token_scopes(user) -> list:
    return permissions.token_scope_choices(selectors.user_permissions(user=user))


def _profile_context(request, **overrides):
    user = request.user
    context = {
        "profile_user": user,
        "roles": selectors.user_roles(user=user),
        "scope_labels": sorted(
            {
                str(dict(Role.DATA_SCOPE_CHOICES)[r.data_scope])
                for r in selectors.user_roles(user=user)
            }
        ),
        "password_form": forms.PasswordChangeForm(),
        "language_form": forms.LanguageForm(initial={"language": user.language}),
        "time_zone_form": forms.TimeZoneForm(initial={"time_zone": user.time_zone}),
        "token_form": forms.TokenForm(scopes=_token_scopes(user)),
        "tokens": selectors.tokens_of(user=user),
        "new_token_raw": None,
        "extra_sections": [
            html for html in hooks.profile_sections.call_all(request=request) if html
        ],
    }
    context.update(overrides)
    return context


@login_required
@require_http_methods(["GET"])
def profile(request):
    return render(request, "accounts/profile.html", _profile_context(request))


@sensitive_post_parameters("old_password", "new_password", "new_password2")
@login_required
@require_POST
def password_change(request):
    form = forms.PasswordChangeForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.user_password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                request=request,
            )
        except ValidationFailed as error:
            form_add_errors(form, error)
            status = error.status_code
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        _profile_context(request, password_form=form),
        status=status,
    )


@login_required
@require_POST
def language_change(request):
    form = forms.LanguageForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_language(user=request.user, language=form.cleaned_data["language"])
        except ValidationFailed as error:
            messages.error(request, str(error.message))
        else:
            translation.activate(request.user.language)
            messages.success(request, _("Language changed."))
            target = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                target = reverse("accounts:profile")
            response = redirect(target)
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.language)
            return response
    return redirect("accounts:profile")


@login_required
@require_POST
def time_zone_change(request):
    form = forms.TimeZoneForm(request.POST)

    def save(data):
        services.user_set_time_zone(user=request.user, time_zone=data["time_zone"], request=request)
        return _("Time zone changed.")

    if form_saved(request, form, save):
        return redirect("accounts:profile")
    return render(
        request, "accounts/profile.html", _profile_context(request, time_zone_form=form), status=422
    )


@login_required
@require_POST
def token_create(request):
    form = forms.TokenForm(request.POST, scopes=_token_scopes(request.user))
    if form.is_valid():
        try:
            token, raw = services.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
                scope=form.cleaned_data.get("scope") or "",
            )
        except ValidationFailed as error:
            form_add_errors(form, error)
        else:
            # Rendered, not redirected: the raw key exists only in this response.
            response = render(
                request,
                "accounts/profile.html",
                _profile_context(request, new_token_raw=raw, new_token=token),
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request, "accounts/profile.html", _profile_context(request, token_form=form), status=422
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(selectors.tokens_of(user=request.user), pk=pk)
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:profile")


# ---------------------------------------------------------------- home page


@login_required
@require_GET
def home(request):
    """Each role's home page (RPT-1): the sections the apps add for the user's kinds of work."""
    user = request_user(request)
    kinds = selectors.home_kinds(user=user)
    sections = home_sections_for(request=request, user=user, kinds=kinds)
    return render(request, "home.html", {"sections": sections, "today": timezone.localdate()})


def admin_home_section(*, request, user, kinds, **kwargs) -> HomeSection | None:
    """The administrator's overview: users, sign-in locks, expiring tokens, the latest audit."""
    if ADMIN not in kinds:
        return None
    context = {
        "overview": selectors.admin_overview(),
        "can_audit": selectors.user_can(user=user, permission=permissions.VIEW_AUDIT),
        "can_manage": selectors.user_can(user=user, permission=permissions.MANAGE_USERS),
        "token_warn_days": selectors.TOKEN_WARN_DAYS,
    }
    return home_section("accounts/home_admin.html", request, context, order=10, wide=True)


# ---------------------------------------------------------------- administration: home


@login_required
def admin_home(request):
    if not selectors.user_permissions(user=request.user) & permissions.ADMINISTRATION:
        raise PermissionDenied
    return render(request, "accounts/admin/home.html")


# ---------------------------------------------------------------- departments


@manage_users_required
def department_list(request):
    return render(
        request,
        "accounts/admin/departments.html",
        {"departments": selectors.department_tree_with_counts()},
    )


@manage_users_required
@require_http_methods(["GET", "POST"])
def department_create(request):
    def save(data):
        department = services.department_create(name=data["name"], parent=data["parent"])
        return _("Department %(name)s created.") % {"name": department}

    return form_page(
        request,
        form=forms.DepartmentForm(request.POST or None, with_manager=False),
        save=save,
        back="accounts:departments",
        title=_("New department"),
        submit=_("Create"),
    )


@manage_users_required
@require_http_methods(["GET", "POST"])
def department_edit(request, pk):
    department = get_object_or_404(Department, pk=pk)
    initial = model_to_dict(department, fields=["name", "parent", "manager"])

    def save(data):
        services.department_update(
            department=department,
            name=data["name"],
            parent=data["parent"],
            manager=data["manager"],
        )
        return _("Department saved.")

    return form_page(
        request,
        form=forms.DepartmentForm(request.POST or None, initial=initial, editing=department),
        save=save,
        back="accounts:departments",
        title=_("Edit department %(name)s") % {"name": department.name},
        submit=_("Save"),
        extra={
            "delete_url": resolve_url("accounts:department_delete", pk=department.pk),
            "delete_confirm": _("Delete this department?"),
        },
    )


@manage_users_required
@require_POST
def department_delete(request, pk):
    department = get_object_or_404(Department, pk=pk)

    def delete():
        services.department_delete(department=department)
        return _("Department deleted.")

    return action_then_back(request, delete, back="accounts:departments")


# ---------------------------------------------------------------- users


@manage_users_required
def user_list(request):
    filters = forms.UserFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    users = selectors.user_list(
        q=data.get("q", ""),
        department_id=data["department"].pk if data.get("department") else None,
        role_id=data["role"].pk if data.get("role") else None,
        active=data.get("active", ""),
    )
    page, query = _admin_page(request, users)
    locked = selectors.locked_usernames(usernames=(u.username for u in page))
    context = {"filters": filters, "page": page, "query": query, "locked": locked}
    return render(request, "accounts/admin/users.html", context)


# The user's own fields the edit form starts from.
USER_FORM_FIELDS = [
    "display_name",
    "mobile",
    "email",
    "department",
    "reports_to",
    "roles",
    "is_active",
]


def _user_kwargs(data):
    return {
        "display_name": data["display_name"],
        "department": data["department"],
        "reports_to": data["reports_to"],
        "roles": list(data["roles"]),
        "mobile": data["mobile"],
        "email": data["email"],
    }


@sensitive_post_parameters("password")
@manage_users_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    def save(data):
        user = services.user_create(
            username=data["username"],
            password=data["password"],
            actor=request.user,
            **_user_kwargs(data),
        )
        return _("User %(name)s created.") % {"name": user.username}

    return form_page(
        request,
        form=forms.UserForm(request.POST or None),
        save=save,
        back="accounts:users",
        title=_("New user"),
        submit=_("Create"),
    )


@manage_users_required
@require_http_methods(["GET", "POST"])
def user_edit(request, pk):
    user = get_object_or_404(User, pk=pk)
    initial = model_to_dict(user, fields=USER_FORM_FIELDS)
    form = forms.UserForm(request.POST or None, initial=initial, editing=user)

    def save(data):
        if user.pk == request.user.pk and not data["is_active"]:
            raise invalid_field("is_active", _("You cannot deactivate yourself."))
        services.user_update(
            user=user, actor=request.user, is_active=data["is_active"], **_user_kwargs(data)
        )
        return _("User %(name)s saved.") % {"name": user.username}

    if form_saved(request, form, save):
        return redirect("accounts:users")
    context = _user_edit_context(user, form=form, password_form=forms.ResetPasswordForm())
    return render_form(request, "accounts/admin/user_edit.html", context, form=form)


def _user_edit_context(user, *, form, password_form) -> dict:
    return {
        "form": form,
        "edited": user,
        "password_form": password_form,
        "locked": user.username in selectors.locked_usernames(usernames=[user.username]),
        "active_tokens": selectors.token_list(user_id=user.pk, active_only=True).count(),
    }


@manage_users_required
@require_POST
def user_unlock(request, pk):
    user = get_object_or_404(User, pk=pk)
    services.user_unlock(user=user, actor=request.user)
    messages.success(request, _("User %(name)s unlocked.") % {"name": user.username})
    return redirect("accounts:user_edit", pk=user.pk)


@sensitive_post_parameters("new_password", "new_password2")
@manage_users_required
@require_POST
def user_reset_password(request, pk):
    user = get_object_or_404(User, pk=pk)
    form = forms.ResetPasswordForm(request.POST)
    if form.is_valid():
        try:
            revoked = services.user_password_reset(
                user=user,
                actor=request.user,
                new_password=form.cleaned_data["new_password"],
                revoke_tokens=form.cleaned_data["revoke_tokens"],
            )
        except ValidationFailed as error:
            form_add_errors(form, error)
        else:
            if user.pk == request.user.pk:
                update_session_auth_hash(request, user)
            message = _("The password has been reset.")
            if revoked:
                message += " " + ngettext(
                    "%(n)d API token was revoked.", "%(n)d API tokens were revoked.", revoked
                ) % {"n": revoked}
            messages.success(request, message)
            return redirect("accounts:user_edit", pk=user.pk)
    initial = model_to_dict(user, fields=USER_FORM_FIELDS)
    return render(
        request,
        "accounts/admin/user_edit.html",
        _user_edit_context(
            user, form=forms.UserForm(initial=initial, editing=user), password_form=form
        ),
        status=422,
    )


# ---------------------------------------------------------------- API tokens of every user


@manage_users_required
@require_http_methods(["GET"])
def token_admin_list(request):
    filters = forms.TokenFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    tokens = selectors.token_list(
        user_id=data["user"].pk if data.get("user") else None,
        active_only=data.get("status") == "active",
    )
    page, query = _admin_page(request, tokens)
    context = {"filters": filters, "page": page, "query": query}
    return render(request, "accounts/admin/tokens.html", context)


@manage_users_required
@require_POST
def token_admin_revoke(request, pk):
    token = get_object_or_404(selectors.token_list(), pk=pk)
    services.token_revoke(token=token, actor=request.user)
    messages.success(
        request,
        _("The token %(name)s of %(user)s has been revoked.")
        % {"name": token.name, "user": token.user},
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("accounts:tokens")
    return redirect(target)


# ---------------------------------------------------------------- roles


@manage_users_required
def role_list(request):
    labels = dict(permissions.choices())
    roles = [
        (role, [labels.get(code, code) for code in role.permissions or []])
        for role in selectors.role_list()
    ]
    return render(request, "accounts/admin/roles.html", {"roles": roles})


@manage_users_required
@require_http_methods(["GET", "POST"])
def role_edit(request, pk):
    role = get_object_or_404(Role, pk=pk)
    initial = {"name": role.name, "data_scope": role.data_scope, "permissions": role.permissions}

    def save(data):
        services.role_update(
            role=role,
            actor=request.user,
            name=data["name"],
            data_scope=data["data_scope"],
            permissions=data["permissions"],
        )
        return _("Role %(name)s saved.") % {"name": role.display_name}

    return form_page(
        request,
        form=forms.RoleForm(request.POST or None, initial=initial),
        save=save,
        back="accounts:roles",
        title=_("Edit role %(name)s") % {"name": role.display_name},
        submit=_("Save"),
    )


# ---------------------------------------------------------------- audit log


@permission_required(permissions.VIEW_AUDIT)
def audit_log(request):
    filters = forms.AuditFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    rows, next_before = selectors.audit_log_page(
        action=data.get("action", ""),
        actor_id=data["actor"].pk if data.get("actor") else None,
        before_id=data.get("before"),
    )
    query = query_without(request, "before")
    return render(
        request,
        "accounts/admin/audit.html",
        {"filters": filters, "rows": rows, "next_before": next_before, "query": query},
    )

"""The HTTP API at /api/v1/ (INTG-2). Routers live in each app's api.py.

Authentication: `Authorization: Bearer gx_…` (a per-user token) or the browser session; with
the session, unsafe methods need the CSRF token like any form. Responses are in the language
of the `Accept-Language` header if one is sent, else in the user's language.

Every error is JSON: `{"detail": "…", "errors": {"field": ["…", …]}, "code": "…"}`.
"""

import zoneinfo
from http import HTTPStatus

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from guanxi.accounts.api import router as accounts_router
from guanxi.accounts.selectors import token_for_key
from guanxi.care.api import router as care_router
from guanxi.core.errors import DomainError
from guanxi.core.schemas import ErrorOut, error_statuses
from guanxi.customers.archive.api import router as customers_router
from guanxi.imports.api import router as imports_router
from guanxi.pipeline.api import router as pipeline_router
from guanxi.portal.api import router as portal_router
from guanxi.sales.api import router as sales_router
from guanxi.satisfaction.api import router as satisfaction_router
from guanxi.service.api import router as service_router
from guanxi.webhooks.api import router as webhooks_router


def _activate_preferences(request, user) -> None:
    language = None
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            continue
        try:
            language = translation.get_supported_language_variant(code)
            break
        except LookupError:
            continue
    language = language or user.language or settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()
    try:
        timezone.activate(zoneinfo.ZoneInfo(user.time_zone or "Asia/Shanghai"))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.activate(zoneinfo.ZoneInfo("Asia/Shanghai"))


class BearerToken(HttpBearer):
    """`Authorization: Bearer gx_…`; revoked tokens and inactive users are refused."""

    def authenticate(self, request, token):
        found = token_for_key(raw=(token or "").strip())
        if found is None or found.scope:  # an integration token: only its own endpoints
            return None
        user = found.user
        request.user = user  # so history records and audits name the token's owner
        request.api_token = found  # what authenticated: some actions need the session
        _activate_preferences(request, user)
        return user


class CsrfFailed(HttpError):
    def __init__(self):
        super().__init__(403, "CSRF")


class SessionAuth(APIKeyCookie):
    """The logged-in browser session; CSRF is checked for unsafe methods once we know that the
    session is what authenticates (a request without a session gets 401, not 403)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        _activate_preferences(request, user)
        return user


# Modules that moved into an area keep the operation ids of the module that first served
# their paths: clients generated from the OpenAPI document name their methods after them.
OPERATION_ID_MODULES = {"guanxi.customers.archive.api": "guanxi.customers.api"}


class GuanxiOpenAPI(OpenAPISchema):
    """The OpenAPI document, with the error answers of every operation declared by one rule
    (`core.schemas.error_statuses`); an operation may add more in its `response=`."""

    def operation_details(self, operation) -> dict:
        details = super().operation_details(operation)
        parameters = details.get("parameters") or []
        statuses = error_statuses(
            methods=set(operation.methods),
            authenticated=bool(operation.auth_callbacks),
            path=any(p.get("in") == "path" for p in parameters),
            # integer path parameters are matched by the URL (anything else is a 404), so
            # only text ones are input that may be refused
            inputs=any(
                p.get("in") in ("query", "header")
                or (p.get("in") == "path" and p.get("schema", {}).get("type") != "integer")
                for p in parameters
            ),
            body="requestBody" in details,
        )
        if statuses:
            error_model = operation._create_response_model(ErrorOut)
            schema = self._create_schema_from_model(error_model, mode="serialization")[0]
            for status in statuses:
                details["responses"].setdefault(
                    status,
                    {
                        "description": HTTPStatus(status).phrase,
                        "content": {self.api.renderer.media_type: {"schema": schema}},
                    },
                )
        return details


class GuanxiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        module = operation.view_func.__module__
        module = OPERATION_ID_MODULES.get(module, module)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return GuanxiOpenAPI(self, path_prefix)


api = GuanxiAPI(
    title="Guanxi API",
    version="1",
    description=__doc__,
    urls_namespace="api",
    auth=[BearerToken(), SessionAuth()],
    # Swagger UI is served from ninja's own static files ("ninja" is in INSTALLED_APPS);
    # no CDN.
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("", customers_router)
api.add_router("", accounts_router)
api.add_router("", pipeline_router)
api.add_router("", sales_router)
api.add_router("", care_router)
api.add_router("", service_router)
api.add_router("", satisfaction_router)
api.add_router("", imports_router)
api.add_router("", webhooks_router)
api.add_router("", portal_router)


# ---------------------------------------------------------------- errors


def _error(request, status: int, detail, errors=None, **extra):
    body = {
        "detail": str(detail),
        "errors": {str(k): [str(m) for m in v] for k, v in (errors or {}).items()},
        **extra,
    }
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    extra = {"code": exc.code}
    if getattr(exc, "visible", False) and getattr(exc, "match_id", None):
        extra["match_id"] = exc.match_id
    return _error(request, exc.status_code, exc.message, exc.field_errors, **extra)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = _error(
        request, 401, _("Sign in or send a valid API token."), code="NotAuthenticated"
    )
    response["WWW-Authenticate"] = 'Bearer realm="guanxi"'
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(exc, CsrfFailed):
        return _error(request, 403, _("CSRF verification failed. Request aborted."), code="CSRF")
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return _error(request, 400, _("The request body is not valid JSON."), code="BadJSON")
    return _error(request, exc.status_code, exc.message, code="HttpError")


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        field = _field_of(error.get("loc") or ())
        message = pydantic_message(error)
        if message not in errors.setdefault(field, []):
            errors[field].append(message)
    return _error(
        request, 422, _("Please correct the errors below."), errors, code="ValidationFailed"
    )


def _field_of(loc) -> str:
    """("body", "payload", "tags", 0) → "tags"; ("query", "page_size") → "page_size"."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        source = parts.pop(0)
        if source == "body" and parts:
            parts.pop(0)  # the name of the payload argument
    for part in parts:
        if isinstance(part, str):
            return part
    return "__all__"


def _length_message(kind: str, limit: int) -> str:
    if kind == "string_too_long":
        return ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            limit,
        )
    return ngettext(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        limit,
    )


def pydantic_message(error: dict) -> str:
    """A pydantic error as a message in the active language. Where Django itself has the same
    message, its msgid is used, so it is translated without any catalogue of ours."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind in ("string_too_long", "string_too_short"):
        limit = int(ctx.get("max_length", ctx.get("min_length", 0)))
        shown = len(value) if isinstance(value, str) else 0
        return _length_message(kind, limit) % {"limit_value": limit, "show_value": shown}
    if kind == "too_long":
        return _("At most %(limit)d items.") % {"limit": int(ctx.get("max_length", 0))}
    if kind == "greater_than_equal":
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("ge")
        }
    if kind == "less_than_equal":
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("le")
        }
    if kind.startswith("int_"):
        return _("Enter a whole number.")
    if kind.startswith(("float_", "decimal_")) or kind == "finite_number":
        return _("Enter a number.")
    if kind.startswith("bool_"):
        return _("Enter true or false.")
    if kind.startswith("datetime_") or kind == "timezone_aware":
        return _("Enter a valid date/time.")
    if kind.startswith("date_"):
        return _("Enter a valid date.")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Enter a list of values.")
    if kind in ("literal_error", "enum"):
        return _("Select a valid choice. That choice is not one of the available choices.")
    if kind in ("dict_type", "json_invalid", "json_type"):
        return _("Enter a valid JSON.")
    if kind in ("model_type", "model_attributes_type"):
        return _("Send a JSON object.")
    return _("Enter a valid value.")


def no_such_path(request):
    """Any /api/ URL that no route matches (a typo, a trailing slash, an id that is not a
    number): a 404 in the API's error shape and the caller's language, not the site's HTML
    page, so that a client can always parse the answer."""
    body = {
        "detail": _(
            "No such API path: %(path)s. Paths have no trailing slash and ids are numbers; "
            "the list of paths is at /api/v1/docs."
        )
        % {"path": request.path},
        "errors": {},
        "code": "NoSuchPath",
    }
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})

"""Middleware of the kernel: request timing for the benchmarks and for operators
(bench/README.md), a busy database answered as 503 rather than 500, and error answers under
/api/ always in the API's JSON shape."""

import logging
import time
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext

from guanxi.core.errors import DomainError, NotFound, PermissionDenied

logger = logging.getLogger(__name__)

type GetResponse = Callable[[HttpRequest], HttpResponseBase]


class ServerTimingMiddleware:
    """Adds `Server-Timing: app;dur=<ms>`: the time Django spent on the request, so a
    benchmark measures the server without the network and a browser shows it in DevTools."""

    def __init__(self, get_response: GetResponse):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not settings.SERVER_TIMING:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = (time.perf_counter() - started) * 1000
        if not response.has_header("Server-Timing"):
            response["Server-Timing"] = f"app;dur={elapsed:.1f}"
        return response


class PrivateResponsesMiddleware:
    """What a signed-in user sees (pages, API answers, PDFs, exports) is not kept by browsers
    or proxies (`Cache-Control: no-store`): a shared computer's back button or a proxy cache
    must not show a customer's data to the next person. Every answer also carries the
    Permissions-Policy (no camera, microphone … ; location only for this site's check-in)."""

    def __init__(self, get_response: GetResponse):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        private = request.path.startswith("/api/") or bool(user and user.is_authenticated)
        if private:
            response["Cache-Control"] = "no-store"
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


FORM_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class FormLineBreaksMiddleware:
    """Text posted by a form has its line breaks as "\n", as it is stored and shown. A
    browser sends a textarea's line breaks as CRLF (the HTML form encoding), htmx as the
    field's LF: unchanged notes or contract terms would be recorded as changed, and a text
    near its limit counted two characters a line break. Views exempt from CSRF (a gateway's
    callback that signs its raw body, the API) are left to read their body as it came."""

    def __init__(self, get_response: GetResponse):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., object], args: object, kwargs: object
    ) -> None:
        if getattr(view, "csrf_exempt", False) or request.method != "POST":
            return
        if request.content_type not in FORM_CONTENT_TYPES:
            return
        posted = request.POST
        if any("\r" in value for _key, values in posted.lists() for value in values):
            normalised = posted.copy()
            for key, values in posted.lists():
                normalised.setlist(
                    key, [value.replace("\r\n", "\n").replace("\r", "\n") for value in values]
                )
            normalised._mutable = False
            request.POST = normalised  # type: ignore[assignment]  # (made immutable above)


RETRY_AFTER_SECONDS = 5


def is_database_busy(exception: BaseException) -> bool:
    """SQLite's "database is locked" (a writer waited longer than the busy timeout) or a
    PostgreSQL lock timeout: the request may succeed when tried again."""
    if not isinstance(exception, OperationalError):
        return False
    text = str(exception).lower()
    return (
        "database is locked" in text or "lock timeout" in text or "database table is locked" in text
    )


class DatabaseBusyMiddleware:
    """A request that could not get the database's write lock in time answers 503 with
    Retry-After — JSON in the API's error shape under /api/, a page elsewhere — instead of
    a 500. The transaction was rolled back, so nothing is half-written."""

    def __init__(self, get_response: GetResponse):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_busy(exception):
            return None
        logger.warning("database busy: %s %s", request.method, request.path)
        message = gettext(
            "The database is busy. Please try again in a few seconds; nothing was saved."
        )
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"detail": message, "errors": {}, "code": "DatabaseBusy"}, status=503
            )
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def _api_error_message(status: int) -> str:
    if status == 403:
        return str(PermissionDenied.default_message)
    if status == 404:
        return str(NotFound.default_message)
    if status == 405:
        return gettext("This method is not allowed here; the Allow header lists those that are.")
    if status == 413:
        return gettext("The request is too large.")
    if status >= 500:
        return gettext("The server could not complete the request. Please try again later.")
    return str(DomainError.default_message)


class ApiJsonErrorsMiddleware:
    """Nothing under /api/ answers HTML: an error answer that did not come from the API's
    own handlers (Django's 500 page after an unexpected exception, ninja's 405, a 400 for a
    suspicious request, a 413) is replaced by the API's JSON error shape with the same
    status, so a client can always parse the answer. Django has already logged the error."""

    def __init__(self, get_response: GetResponse):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith("/api/")
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        status = response.status_code
        try:
            code = HTTPStatus(status).phrase.title().replace(" ", "").replace("-", "")
        except ValueError:
            code = "HttpError"
        replaced = JsonResponse(
            {"detail": _api_error_message(status), "errors": {}, "code": code},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
        for header in _KEPT_HEADERS:
            if header in response:
                replaced[header] = response[header]
        return replaced

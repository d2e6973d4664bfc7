"""Portal sign-in pages (INTG-4): ask for a code, enter it, sign out. Thin: parse, call one
service, render."""

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.core.audit import client_ip
from guanxi.core.errors import ValidationFailed
from guanxi.core.forms import form_add_errors
from guanxi.portal.access import services
from guanxi.portal.access.forms import CodeRequestForm, CodeVerifyForm
from guanxi.portal.access.http import cookie_clear, cookie_set, session_of

_PENDING_SALT = "guanxi.portal.pending"
PENDING_MAX_AGE = 30 * 60


def _pending_token(identifier: services.Identifier) -> str:
    return signing.dumps([identifier.channel, identifier.value], salt=_PENDING_SALT)


def _pending_read(token: str) -> services.Identifier | None:
    try:
        value = signing.loads(token, salt=_PENDING_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        return None
    return services.Identifier(value[0], value[1])


def _masked(identifier: services.Identifier) -> str:
    value = identifier.value
    if identifier.channel == "email":
        name, _at, domain = value.partition("@")
        return f"{name[:2]}***@{domain}"
    return f"{value[:-8]}****{value[-4:]}"


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and session_of(request) is not None:
        return redirect("portal:home")
    form = CodeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            identifier = services.portal_code_request(
                identifier_text=form.cleaned_data["identifier"], ip=client_ip(request)
            )
        except ValidationFailed as error:
            form_add_errors(form, error)
        else:
            verify = CodeVerifyForm(initial={"pending": _pending_token(identifier)})
            return render(
                request,
                "portal/access/code.html",
                {
                    "form": verify,
                    "sent_to": _masked(identifier),
                    "channel": identifier.channel,
                },
            )
    return render(
        request,
        "portal/access/sign_in.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    form = CodeVerifyForm(request.POST)
    identifier = _pending_read(request.POST.get("pending", ""))
    if identifier is None:
        return redirect("portal:sign_in")
    if form.is_valid():
        try:
            signed_in = services.portal_code_verify(
                identifier=identifier, code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except ValidationFailed as error:
            form_add_errors(form, error)
        else:
            response = redirect("portal:home")
            cookie_set(response, signed_in.token)
            return response
    return render(
        request,
        "portal/access/code.html",
        {"form": form, "sent_to": _masked(identifier), "channel": identifier.channel},
        status=422,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    session = session_of(request)
    if session is not None:
        services.portal_session_end(session=session)
    response = redirect("portal:sign_in")
    cookie_clear(response)
    return response

"""The portal's own session cookie (INTG-4). The staff session (Django's auth session) and the
portal session never stand in for each other: portal views read only this cookie and never
`request.user`; staff views read only `request.user`, which this cookie does not touch."""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from guanxi.customers.models import Customer
from guanxi.portal.access.selectors import portal_session_get
from guanxi.portal.access.services import SESSION_TTL
from guanxi.portal.models import PortalSession

COOKIE = "gx_portal"
_COOKIE_SALT = "guanxi.portal.session"


def session_of(request: HttpRequest) -> PortalSession | None:
    token = request.get_signed_cookie(COOKIE, default="", salt=_COOKIE_SALT)
    return portal_session_get(token=token or "")


def cookie_set(response: HttpResponse, token: str) -> None:
    response.set_signed_cookie(
        COOKIE,
        token,
        salt=_COOKIE_SALT,
        max_age=int(SESSION_TTL.total_seconds()),
        path="/portal/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def cookie_clear(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, path="/portal/", samesite="Lax")


type PortalView[**P] = Callable[Concatenate[HttpRequest, Customer, P], HttpResponse]


def portal_login_required[**P](
    view: PortalView[P],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """The view gets the signed-in customer as its second argument; without a live portal
    session it sends to the sign-in page."""

    @wraps(view)
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        session = session_of(request)
        if session is None:
            return redirect("portal:sign_in")
        request.portal_session = session  # type: ignore[attr-defined]
        return view(request, session.customer, *args, **kwargs)

    return wrapped

"""/api/v1 for the call centre (SRV-3): the call log, the caller look-up and the ringing
report of a softphone or CTI. Thin: parse, call a service or selector, render. A call outside
the caller's scope answers 404 like one that does not exist."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.security import HttpBearer

from guanxi.accounts.http import request_user
from guanxi.accounts.models import ApiToken, User
from guanxi.accounts.selectors import token_for_key
from guanxi.core.errors import NotFound, invalid_field
from guanxi.customers.archive.selectors import customer_get_for_user
from guanxi.service.calls import selectors, services
from guanxi.service.calls.permissions import RINGING_SCOPE
from guanxi.service.calls.schemas import (
    CallIn,
    CallOut,
    CallPageOut,
    CallQuery,
    LookupOut,
    RingIn,
    RingOut,
)
from guanxi.service.models import Call

router = Router(tags=["calls"])


class RingingToken(HttpBearer):
    """Only an integration token of the ringing scope: not a session, not a user's token (a
    softphone must not be able to read customers, and a user must not fake rings)."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_for_key(raw=(token or "").strip())
        if found is None or found.scope != RINGING_SCOPE:
            return None
        return found


@router.get("/calls", response=CallPageOut, summary="Calls, newest first")
def call_list(request: HttpRequest, query: Query[CallQuery]) -> object:
    user = request_user(request)
    filters = selectors.CallFilters(
        day_from=query.date_from,
        day_to=query.date_to,
        type=query.type,
        direction=query.direction,
        agent=query.agent,
        customer=query.customer,
        number=selectors.normalised_number(query.number) if query.number else "",
    )
    return selectors.call_page(user=user, filters=filters, cursor=query.cursor, limit=query.limit)


@router.post("/calls", response={201: CallOut}, summary="Log a call (permission service.calls)")
def call_create(request: HttpRequest, payload: CallIn) -> object:
    user = request_user(request)
    customer = None
    if payload.customer_id is not None:
        try:
            customer = customer_get_for_user(user=user, customer_id=payload.customer_id)
        except NotFound:  # a body's id: a field error, as 404 is for the path's own record
            raise invalid_field(
                "customer_id", _("No such customer, or not one you may see.")
            ) from None
    call = services.call_log(
        actor=user,
        data=services.CallInput(**payload.model_dump(exclude={"customer_id"})),
        customer=customer,
    )
    return Status(201, selectors.call_get_for_user(user=user, call_id=call.pk))


@router.get(
    "/calls/lookup",
    response=LookupOut,
    summary="Who is calling: the customers with this number, as cards (phones masked)",
)
def call_lookup(request: HttpRequest, number: str = Query(..., max_length=30)) -> object:  # type: ignore[type-arg]
    user = request_user(request)
    result = selectors.caller_lookup(user=user, number=number)
    if not result.number:
        raise invalid_field("number", _("Give the caller's number."))
    return result


@router.get("/calls/{int:call_id}", response=CallOut, summary="One call")
def call_get(request: HttpRequest, call_id: int) -> Call:
    user = request_user(request)
    return selectors.call_get_for_user(user=user, call_id=call_id)


@router.post(
    "/calls/ringing",
    response={201: RingOut},
    auth=RingingToken(),
    summary="A call rings at an agent's phone: their browser shows the caller's card "
    "(integration token of scope calls.ringing only)",
)
def call_ringing(request: HttpRequest, payload: RingIn) -> object:
    agent = User.objects.filter(username=payload.agent).first()
    if agent is None:
        raise invalid_field("agent", _("No such user."))
    return Status(201, services.ring_report(agent=agent, number=payload.number))

"""/api/v1 for the front-desk register (ACQ-5). Thin: parse, call a service or selector,
render. An entry outside the caller's scope answers 404 like one that does not exist."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.accounts.http import request_user
from guanxi.accounts.models import User
from guanxi.care.models import Reception
from guanxi.care.reception import selectors, services
from guanxi.care.reception.schemas import (
    DayCountsOut,
    LinkIn,
    ReceptionIn,
    ReceptionOut,
    ReceptionPageOut,
    ReceptionQuery,
)
from guanxi.core.api_endpoints import referenced
from guanxi.customers.archive.selectors import customer_get_for_user
from guanxi.customers.models import Customer

router = Router(tags=["front desk"])


def _input(request: HttpRequest, payload: ReceptionIn) -> services.ReceptionInput:
    received_by = referenced(
        User.objects.filter(is_active=True),
        payload.received_by_id,
        field="received_by_id",
        message=_("No such active user."),
    )
    return services.ReceptionInput(
        **payload.model_dump(exclude={"received_by_id", "customer_id"}), received_by=received_by
    )


def _customer(request: HttpRequest, customer_id: int | None) -> Customer | None:
    user = request_user(request)
    if customer_id is None:
        return None
    return customer_get_for_user(user=user, customer_id=customer_id)


@router.get("/reception", response=ReceptionPageOut, summary="Front-desk entries, newest first")
def reception_list(request: HttpRequest, query: Query[ReceptionQuery]) -> object:
    user = request_user(request)
    filters = selectors.ReceptionFilters(
        day_from=query.date_from,
        day_to=query.date_to,
        channel=query.channel,
        received_by=query.received_by,
        state=query.state,
    )
    return selectors.reception_page(
        user=user, filters=filters, cursor=query.cursor, limit=query.limit
    )


@router.post("/reception", response={201: ReceptionOut}, summary="Log a walk-in or an enquiry")
def reception_create(request: HttpRequest, payload: ReceptionIn) -> object:
    user = request_user(request)
    entry = services.reception_log(
        actor=user,
        data=_input(request, payload),
        customer=_customer(request, payload.customer_id),
    )
    return Status(201, entry)


@router.get(
    "/reception/daily",
    response=list[DayCountsOut],
    summary="Entries per day by channel, demos and conversion into customers",
)
def reception_daily(request: HttpRequest, days: int = Query(14, ge=1, le=366)) -> object:  # type: ignore[type-arg]
    user = request_user(request)
    return selectors.reception_daily(user=user, days=days)


@router.get("/reception/{int:entry_id}", response=ReceptionOut, summary="One front-desk entry")
def reception_get(request: HttpRequest, entry_id: int) -> Reception:
    user = request_user(request)
    return selectors.reception_get_for_user(user=user, entry_id=entry_id)


@router.put("/reception/{int:entry_id}", response=ReceptionOut, summary="Correct an entry")
def reception_update(request: HttpRequest, entry_id: int, payload: ReceptionIn) -> Reception:
    user = request_user(request)
    entry = selectors.reception_get_for_user(user=user, entry_id=entry_id)
    services.reception_update(actor=user, entry=entry, data=_input(request, payload))
    return selectors.reception_get_for_user(user=user, entry_id=entry_id)


@router.post(
    "/reception/{int:entry_id}/convert",
    response={201: ReceptionOut},
    summary="Create a customer from the entry (the archive's duplicate check applies)",
)
def reception_convert(request: HttpRequest, entry_id: int) -> object:
    user = request_user(request)
    entry = selectors.reception_get_for_user(user=user, entry_id=entry_id)
    services.reception_convert(actor=user, entry=entry)
    return Status(201, selectors.reception_get_for_user(user=user, entry_id=entry_id))


@router.post(
    "/reception/{int:entry_id}/link",
    response=ReceptionOut,
    summary="Link the entry to the customer the visitor already is",
)
def reception_link(request: HttpRequest, entry_id: int, payload: LinkIn) -> Reception:
    user = request_user(request)
    entry = selectors.reception_get_for_user(user=user, entry_id=entry_id)
    customer = customer_get_for_user(user=user, customer_id=payload.customer_id)
    services.reception_link(actor=user, entry=entry, customer=customer)
    return selectors.reception_get_for_user(user=user, entry_id=entry_id)

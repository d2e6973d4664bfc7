"""/api/v1 for field check-ins (INTG-5): check in at a customer (multipart: the fields and an
optional photo), list check-ins in scope (a day, a consultant, a customer), one check-in,
and a customer's recorded location. Out of scope answers 404 like missing; bad input 422."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Status
from ninja.files import UploadedFile

from guanxi.accounts.http import request_user
from guanxi.core.schemas import PageQuery, QueryId
from guanxi.customers.archive.selectors import customer_get_for_user
from guanxi.pipeline.checkins import selectors, services
from guanxi.pipeline.checkins.schemas import (
    CheckInIn,
    CheckInOut,
    CheckInPageOut,
    LocationIn,
    LocationOut,
)
from guanxi.pipeline.models import CheckIn

router = Router(tags=["pipeline"])

# the optional multipart file of a check-in (a module-level default, as ninja reads it)
PHOTO = File(None, description="an optional photo: JPEG, PNG or WebP, at most 5 MB")


def _out(checkin: CheckIn) -> dict[str, Any]:
    return {
        "id": checkin.pk,
        "followup_id": checkin.followup_id,
        "customer": {"id": checkin.customer_id, "name": checkin.customer.name},
        "user": {"id": checkin.user_id, "name": str(checkin.user)} if checkin.user_id else None,
        "at": checkin.at,
        "latitude": checkin.latitude,
        "longitude": checkin.longitude,
        "accuracy_m": checkin.accuracy_m,
        "distance_m": checkin.distance_m,
        "far": checkin.far,
        "photo_url": reverse("pipeline:checkin_photo", args=[checkin.pk])
        if checkin.photo
        else None,
    }


@router.post(
    "/customers/{int:customer_id}/checkins",
    response={201: CheckInOut},
    summary="Check in at a customer (外勤签到): a visit follow-up with the location",
)
def checkin_create(
    request: HttpRequest,
    customer_id: int,
    payload: Form[CheckInIn],
    photo: UploadedFile | None = PHOTO,
) -> Status[Any]:
    user = request_user(request)
    customer = customer_get_for_user(user=user, customer_id=customer_id)
    checkin = services.checkin_record(
        actor=user,
        customer=customer,
        data=services.CheckInInput(
            latitude=payload.latitude,
            longitude=payload.longitude,
            accuracy_m=payload.accuracy_m,
            note=payload.note,
            photo=photo,
        ),
    )
    return Status(201, _out(selectors.checkin_get_for_user(user=user, checkin_id=checkin.pk)))


class CheckInQuery(PageQuery):
    day: dt.date | None = Field(None, description="a local day (Asia/Shanghai)")
    consultant: QueryId | None = None
    customer: QueryId | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 50


@router.get("/checkins", response=CheckInPageOut, summary="Field check-ins in my scope")
def checkin_list(request: HttpRequest, query: Query[CheckInQuery]) -> dict[str, Any]:
    page = selectors.checkin_page(
        user=request_user(request),
        day=query.day,
        consultant_id=query.consultant,
        customer_id=query.customer,
        cursor=query.cursor or None,
        limit=query.limit,
    )
    return {"items": [_out(c) for c in page.items], "next_cursor": page.next_cursor}


@router.get("/checkins/{int:checkin_id}", response=CheckInOut, summary="One field check-in")
def checkin_get(request: HttpRequest, checkin_id: int) -> dict[str, Any]:
    return _out(selectors.checkin_get_for_user(user=request_user(request), checkin_id=checkin_id))


@router.put(
    "/customers/{int:customer_id}/location",
    response=LocationOut,
    summary="Record or remove a customer's coordinates (what check-ins are measured against)",
)
def location_set(request: HttpRequest, customer_id: int, payload: LocationIn) -> dict[str, Any]:
    user = request_user(request)
    customer = customer_get_for_user(user=user, customer_id=customer_id)
    location = services.customer_location_set(
        actor=user, customer=customer, latitude=payload.latitude, longitude=payload.longitude
    )
    if location is None:
        return {"latitude": None, "longitude": None}
    return {"latitude": location.latitude, "longitude": location.longitude}

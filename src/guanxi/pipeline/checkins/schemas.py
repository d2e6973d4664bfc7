"""The field check-ins' API shapes (INTG-5)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from guanxi.core.schemas import Ref


class CheckInIn(Schema):
    """Sent as multipart form fields (with an optional `photo` file)."""

    latitude: Annotated[str, Field(max_length=30)] = Field("", description="degrees, WGS-84")
    longitude: Annotated[str, Field(max_length=30)] = Field("", description="degrees, WGS-84")
    accuracy_m: Annotated[str, Field(max_length=30)] = Field("", description="metres")
    note: Annotated[str, Field(max_length=2000)] = ""


class CheckInOut(Schema):
    id: int
    followup_id: int
    customer: Ref
    user: Ref | None
    at: dt.datetime
    latitude: Decimal
    longitude: Decimal
    accuracy_m: int | None
    distance_m: int | None = Field(description="metres to the customer's location; null: none")
    far: bool
    photo_url: str | None


class CheckInPageOut(Schema):
    items: list[CheckInOut]
    next_cursor: str | None


class LocationIn(Schema):
    latitude: Annotated[str, Field(max_length=30, description="empty with longitude: remove")]
    longitude: Annotated[str, Field(max_length=30)]


class LocationOut(Schema):
    latitude: Decimal | None
    longitude: Decimal | None

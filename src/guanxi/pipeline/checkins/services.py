"""Field check-ins (外勤签到, INTG-5): a consultant at a customer's site checks in with the
phone's location and an optional photo. The check-in is a follow-up with channel visit,
logged by the pipeline's one follow-up service (so it is on the timeline and counts as a
contact), plus where it happened and how far that is from the customer's recorded location.

Customers' coordinates are optional and entered by hand (no map service); a check-in far
from them is flagged for the manager."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.permissions import EDIT_OTHERS
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.customers.errors import CustomerNotFound
from guanxi.customers.models import Customer
from guanxi.pipeline.checkins.geo import haversine_m
from guanxi.pipeline.models import CheckIn, CustomerLocation, FollowUp
from guanxi.pipeline.prospects.services import FollowUpInput, followup_log

FAR_M = 1000  # a check-in further than this from the customer's location is flagged
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo; more is a decompression bomb
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ACCURACY_MAX_M = 100_000


@dataclass(frozen=True)
class CheckInInput:
    """What the phone sent: the browser's coordinates (degrees) and their accuracy (metres),
    a note on the visit and an optional photo."""

    latitude: Decimal | float | str | None
    longitude: Decimal | float | str | None
    accuracy_m: int | float | str | None = None
    note: str = ""
    photo: UploadedFile | None = None


def _degrees(
    value: Decimal | float | str | None,
    *,
    limit: int,
    field: str,
    errors: dict[str, list[str]],
    missing: str,
) -> Decimal | None:
    if value is None or str(value).strip() == "":
        errors[field] = [missing]
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[field] = [_("Enter a number of degrees.")]
        return None
    if not number.is_finite() or not -limit <= number <= limit:
        errors[field] = [_("Enter degrees between -%(limit)d and %(limit)d.") % {"limit": limit}]
        return None
    return number.quantize(Decimal("0.000001"))


def _accuracy(value: int | float | str | None, errors: dict[str, list[str]]) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        number = -1.0
    if not 0 <= number <= ACCURACY_MAX_M:  # also NaN
        errors["accuracy_m"] = [_("Enter the accuracy in metres.")]
        return None
    return round(number)


def _photo(photo: UploadedFile | None, errors: dict[str, list[str]]) -> str | None:
    """The photo's file extension if it is a JPEG, PNG or WebP image of a sane size."""
    if photo is None:
        return None
    if photo.size is None or photo.size > PHOTO_MAX_BYTES:
        errors["photo"] = [
            _("The photo may be at most %(mb)d MB.") % {"mb": PHOTO_MAX_BYTES // 1024 // 1024}
        ]
        return None
    # imported when used: a web worker that never receives a check-in photo does not hold
    # Pillow (~8 MiB; the worker's memory budget, issue 13 §3)
    from PIL import Image, UnidentifiedImageError

    file: IO[bytes] = photo.file  # type: ignore[assignment]
    try:
        file.seek(0)
        with Image.open(file) as image:
            kind = image.format or ""
            width, height = image.size
            if width * height > PHOTO_MAX_PIXELS:
                raise ValueError("too many pixels")
            image.verify()
    except (UnidentifiedImageError, ValueError, OSError, SyntaxError, Image.DecompressionBombError):
        errors["photo"] = [_("Upload a photo (JPEG, PNG or WebP).")]
        return None
    finally:
        file.seek(0)
    if kind not in PHOTO_FORMATS:
        errors["photo"] = [_("Upload a photo (JPEG, PNG or WebP).")]
        return None
    return PHOTO_FORMATS[kind]


@dataclass(frozen=True)
class _Clean:
    latitude: Decimal
    longitude: Decimal
    accuracy_m: int | None
    note: str
    photo_extension: str | None


def _clean(data: CheckInInput) -> _Clean:
    errors: dict[str, list[str]] = {}
    missing = _("Your location is missing: allow the browser to read it.")
    latitude = _degrees(data.latitude, limit=90, field="latitude", errors=errors, missing=missing)
    longitude = _degrees(
        data.longitude, limit=180, field="longitude", errors=errors, missing=missing
    )
    accuracy = _accuracy(data.accuracy_m, errors)
    note = str(data.note or "").strip()
    if len(note) > 2000:
        errors["note"] = [_("At most %(limit)d characters.") % {"limit": 2000}]
    extension = _photo(data.photo, errors)
    if errors or latitude is None or longitude is None:
        raise ValidationFailed(field_errors=errors)
    return _Clean(latitude, longitude, accuracy, note, extension)


def distance_to(*, customer_id: int, latitude: Decimal, longitude: Decimal) -> int | None:
    """Metres from the customer's recorded location; None when there is none."""
    location = CustomerLocation.objects.filter(customer_id=customer_id).first()
    if location is None:
        return None
    return round(haversine_m(location.latitude, location.longitude, latitude, longitude))


def checkin_record(*, actor: User, customer: Customer, data: CheckInInput) -> CheckIn:
    """Check in at a customer's site: a follow-up with channel visit (the follow-up
    service checks that the actor may log one on this customer) and the check-in with its
    place, distance and photo. Bad coordinates or a photo that is not one: nothing is
    written."""
    cleaned = _clean(data)
    content = cleaned.note or _("Checked in on site (外勤签到).")
    with transaction.atomic():
        logged = followup_log(
            actor=actor,
            customer=customer,
            data=FollowUpInput(channel=FollowUp.Channel.VISIT, content=content, effective=True),
        )
        followup = logged.followup
        distance = distance_to(
            customer_id=followup.customer_id, latitude=cleaned.latitude, longitude=cleaned.longitude
        )
        checkin = CheckIn(
            followup=followup,
            customer_id=followup.customer_id,
            user=actor,
            department_id=actor.department_id,
            at=followup.at,
            latitude=cleaned.latitude,
            longitude=cleaned.longitude,
            accuracy_m=cleaned.accuracy_m,
            distance_m=distance,
            far=distance is not None and distance > FAR_M,
        )
        if data.photo is not None and cleaned.photo_extension:
            checkin.photo.save(f"photo.{cleaned.photo_extension}", data.photo, save=False)
        checkin.save()
    return checkin


def customer_location_set(
    *,
    actor: User,
    customer: Customer,
    latitude: Decimal | float | str | None,
    longitude: Decimal | float | str | None,
) -> CustomerLocation | None:
    """Record (or, with both empty, clear) a customer's coordinates; the actor must be able
    to change the customer (their own, or others' with the permission)."""
    editable = Customer.objects.editable_by(actor, action=EDIT_OTHERS).filter(pk=customer.pk)
    if not editable.exists():
        if not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
            raise CustomerNotFound()
        raise PermissionDenied(_("You may not change this customer."))
    if str(latitude or "").strip() == "" and str(longitude or "").strip() == "":
        CustomerLocation.objects.filter(customer_id=customer.pk).delete()
        return None
    errors: dict[str, list[str]] = {}
    missing = _("Enter both latitude and longitude, or neither.")
    lat = _degrees(latitude, limit=90, field="latitude", errors=errors, missing=missing)
    lon = _degrees(longitude, limit=180, field="longitude", errors=errors, missing=missing)
    if errors or lat is None or lon is None:
        raise ValidationFailed(field_errors=errors)
    location, _created = CustomerLocation.objects.update_or_create(
        customer_id=customer.pk,
        defaults={"latitude": lat, "longitude": lon, "updated_by": actor},
    )
    return location


def customer_location_merge(*, primary: Customer, duplicate: Customer) -> None:
    """customers' merge_extensions: the merged-away customer's coordinates go to the customer
    kept when it has none (its check-ins move with every other related row)."""
    if not CustomerLocation.objects.filter(customer_id=primary.pk).exists():
        CustomerLocation.objects.filter(customer_id=duplicate.pk).update(customer_id=primary.pk)

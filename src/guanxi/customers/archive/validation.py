"""Customer and contact input from any channel (pages, API, import, demo), and its cleaning
into model values: cleaned values, or ValidationFailed with translated per-field messages.

The inputs carry values as the caller got them (form text, JSON values): every rule is
checked here, so the pages, the import and the API refuse the same input with the same
messages.
"""

import datetime as dt
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any, Self

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.crypto import decrypt
from guanxi.core.dates import as_date
from guanxi.core.errors import ValidationFailed
from guanxi.core.identity import normalize_credit_code, parse_id_number
from guanxi.core.phones import normalize_phone
from guanxi.customers.models import Customer, CustomFieldDefinition, Industry, Source

TEXT_LIMITS = {
    "name": 100,
    "occupation": 60,
    "wechat": 60,
    "home_address": 200,
    "work_address": 200,
    "province": 20,
    "city": 30,
    "products_of_interest": 200,
    "needs": 2000,
    "background": 2000,
    "notes": 4000,
}
PHONE_FIELDS = ("mobile", "home_phone", "office_phone", "fax")
CHOICE_FIELDS = {
    "kind": Customer.Kind,
    "gender": Customer.Gender,
    "buyer_role": Customer.BuyerRole,
    "scale": Customer.Scale,
    "level": Customer.Level,
    "first_contact_channel": Customer.Channel,
}
# Django builds an enum's `.values` list on every read
_CHOICE_VALUES = {key: frozenset(choices.values) for key, choices in CHOICE_FIELDS.items()}
EDITABLE_FIELDS = (
    *TEXT_LIMITS,
    *PHONE_FIELDS,
    *CHOICE_FIELDS,
    "email",
    "id_number",
    "credit_code",
    "birth_date",
    "home_postcode",
    "work_postcode",
    "industry",
    "source",
    "first_contact_at",
    "visit_minutes",
    "custom_data",
)
CONTACT_TEXT_LIMITS = {"name": 50, "title": 50, "wechat": 60, "notes": 500}
_POSTCODE = re.compile(r"^\d{6}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Unset(enum.Enum):
    UNSET = "unset"


# A field the caller did not give: an update keeps the stored value.
UNSET = Unset.UNSET
Text = str | Unset | None
Choice = Text
Day = dt.date | str | Unset | None
Moment = dt.datetime | str | Unset | None


class _Given:
    """An input whose fields left UNSET were not given."""

    def given(self) -> dict[str, Any]:
        # the instance's own dict holds exactly its fields (plain frozen dataclasses)
        return {name: value for name, value in vars(self).items() if value is not UNSET}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """From a mapping of posted values (a form's cleaned data); a key that is no field
        is refused."""
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValidationFailed(field_errors={key: [_("Unknown field.")] for key in unknown})
        return cls(**data)


@dataclass(frozen=True, kw_only=True)
class CustomerInput(_Given):
    """The ARC-2 fields of a customer (EDITABLE_FIELDS) as given."""

    kind: Choice = UNSET
    name: Text = UNSET
    gender: Choice = UNSET
    id_number: Text = UNSET
    credit_code: Text = UNSET
    occupation: Text = UNSET
    birth_date: Day = UNSET
    mobile: Text = UNSET
    home_phone: Text = UNSET
    office_phone: Text = UNSET
    fax: Text = UNSET
    email: Text = UNSET
    wechat: Text = UNSET
    home_address: Text = UNSET
    home_postcode: Text = UNSET
    work_address: Text = UNSET
    work_postcode: Text = UNSET
    province: Text = UNSET
    city: Text = UNSET
    industry: Industry | int | str | Unset | None = UNSET
    scale: Choice = UNSET
    buyer_role: Choice = UNSET
    source: Source | int | str | Unset | None = UNSET
    first_contact_at: Moment = UNSET
    first_contact_channel: Choice = UNSET
    products_of_interest: Text = UNSET
    level: Choice = UNSET
    visit_minutes: int | str | Unset | None = UNSET
    needs: Text = UNSET
    background: Text = UNSET
    notes: Text = UNSET
    custom_data: Mapping[str, Any] | Unset | None = UNSET


@dataclass(frozen=True, kw_only=True)
class ContactInput(_Given):
    """A contact person of a customer (ARC-1) as given."""

    name: Text = UNSET
    title: Text = UNSET
    is_decision_maker: bool | Unset | None = UNSET
    mobile: Text = UNSET
    phone: Text = UNSET
    email: Text = UNSET
    wechat: Text = UNSET
    notes: Text = UNSET


def _is_scalar(value) -> bool:
    return value is None or isinstance(
        value, str | int | float | Decimal | dt.date | Customer | Industry | Source
    )


def _text(value) -> str:
    if value is None:
        return ""
    return _CONTROL.sub("", str(value)).strip()


def _datetime(value):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        moment = dt.datetime.fromisoformat(str(value).strip())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def _fk(model, value):
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    try:
        return model.objects.get(pk=int(value))
    except (TypeError, ValueError, model.DoesNotExist) as exc:
        raise ValidationError(_("Unknown choice.")) from exc


def clean_custom_data(raw, *, kind: str, definitions=None, stored=None) -> dict:
    """`definitions`: the active CustomFieldDefinition rows when the caller read them once
    for many customers (the spreadsheet import); read here otherwise. `stored`: the values
    the customer has: those of fields no longer in use (switched off) are kept, since no form
    shows them and nobody could have meant to clear them."""
    raw = raw or {}
    if not isinstance(raw, dict):
        raise ValidationFailed(
            field_errors={"custom_data": [_("Custom fields must be an object.")]}
        )
    if definitions is None:
        definitions = CustomFieldDefinition.objects.filter(is_active=True)
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    known = set()
    for definition in definitions:
        if definition.applies_to and definition.applies_to != kind:
            continue
        known.add(definition.key)
        value = raw.get(definition.key)
        key = f"custom_{definition.key}"
        if value in (None, ""):
            if definition.required:
                errors[key] = [_("This field is required.")]
            continue
        if not _is_scalar(value):
            errors[key] = [_("Enter a single value.")]
            continue
        try:
            cleaned[definition.key] = _custom_value(definition, value)
        except (ValueError, TypeError, InvalidOperation):
            errors[key] = [_("Enter a valid value.")]
    unknown = set(raw) - known
    if unknown:
        errors["custom_data"] = [
            _("Unknown custom field: %(keys)s") % {"keys": ", ".join(sorted(unknown))}
        ]
    if errors:
        raise ValidationFailed(field_errors=errors)
    kept = {key: value for key, value in (stored or {}).items() if key not in known}
    return kept | cleaned


def _custom_value(definition, value):
    kind = definition.field_type
    if kind == CustomFieldDefinition.Type.NUMBER:
        number = Decimal(str(value))
        if not number.is_finite():
            raise ValueError
        return str(number)
    if kind == CustomFieldDefinition.Type.DATE:
        day = as_date(value)
        return day.isoformat() if day else None
    if kind == CustomFieldDefinition.Type.BOOLEAN:
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("1", "true", "yes", "on", "是"):
            return True
        if str(value).lower() in ("0", "false", "no", "off", "否"):
            return False
        raise ValueError
    if kind == CustomFieldDefinition.Type.CHOICE:
        if str(value) not in [str(c) for c in definition.choices]:
            raise ValueError
        return str(value)
    text = _text(value)
    if len(text) > 500:
        raise ValueError
    return text


def clean_customer_input(
    given: CustomerInput,
    *,
    existing: Customer | None = None,
    custom_fields: list[CustomFieldDefinition] | None = None,
) -> dict[str, Any]:
    """Validate the fields given (only they change when `existing` is given). `custom_fields`:
    the active custom field definitions, when the caller validates many customers at once."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    # A list or object where one value belongs (a JSON body, a repeated form field) is refused
    # instead of being stored as its Python text ("['a']").
    raw = given.given()
    not_scalar = {k for k, v in raw.items() if k != "custom_data" and not _is_scalar(v)}
    for key in sorted(not_scalar):
        errors[key] = [_("Enter a single value.")]
    data = {k: v for k, v in raw.items() if k not in not_scalar}

    def present(key: str) -> bool:
        return key in data

    for key, limit in TEXT_LIMITS.items():
        if present(key):
            text = _text(data[key])
            if len(text) > limit:
                errors[key] = [_("At most %(limit)d characters.") % {"limit": limit}]
            cleaned[key] = text
    if (existing is None or present("name")) and not cleaned.get("name"):
        errors.setdefault("name", [_("Enter a name.")])
    for key in PHONE_FIELDS:
        if present(key):
            try:
                cleaned[key] = normalize_phone(_text(data[key]), mobile=(key == "mobile"))
            except ValidationError as exc:
                errors[key] = list(exc.messages)
    for key, values in _CHOICE_VALUES.items():
        if present(key):
            value = _text(data[key])
            if value not in values:
                errors[key] = [_("Select a valid choice.")]
            cleaned[key] = value
    if present("email"):
        email = _text(data["email"]).lower()
        if email:
            try:
                validate_email(email)
                if len(email) > 254:
                    raise ValidationError("too long")
            except ValidationError:
                errors["email"] = [_("Enter a valid e-mail address.")]
        cleaned["email"] = email
    for key in ("home_postcode", "work_postcode"):
        if present(key):
            code = _text(data[key])
            if code and not _POSTCODE.match(code):
                errors[key] = [_("A postcode has 6 digits.")]
            cleaned[key] = code
    if present("credit_code"):
        try:
            cleaned["credit_code"] = normalize_credit_code(_text(data["credit_code"]))
        except ValidationError as exc:
            errors["credit_code"] = list(exc.messages)
    if present("birth_date"):
        try:
            cleaned["birth_date"] = as_date(data["birth_date"])
            birth = cleaned["birth_date"]
            # localdate() is a tenth of validating an import row; a date before yesterday in
            # UTC is in the past wherever the site is
            recent = birth and birth >= dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
            if recent and birth > timezone.localdate():
                errors["birth_date"] = [_("The birth date is in the future.")]
        except (ValueError, TypeError):
            errors["birth_date"] = [_("Enter a valid date (YYYY-MM-DD).")]
    if present("first_contact_at"):
        try:
            cleaned["first_contact_at"] = _datetime(data["first_contact_at"])
        except (ValueError, TypeError):
            errors["first_contact_at"] = [_("Enter a valid date and time.")]
    if present("visit_minutes"):
        value = data["visit_minutes"]
        if value in (None, ""):
            cleaned["visit_minutes"] = None
        else:
            try:
                minutes = int(value)
                if not 0 <= minutes <= 24 * 60:
                    raise ValueError
                cleaned["visit_minutes"] = minutes
            except (TypeError, ValueError):
                errors["visit_minutes"] = [_("Enter minutes between 0 and 1440.")]
    for key, model in (("industry", Industry), ("source", Source)):
        if present(key):
            try:
                cleaned[key] = _fk(model, data[key])
            except ValidationError as exc:
                errors[key] = list(exc.messages)
    if present("id_number"):
        raw = _text(data["id_number"])
        if raw:
            try:
                number, birth, gender = parse_id_number(raw)
                cleaned["id_number"] = number
                # The ID number must agree with the stated gender and birth date (ARC-2).
                stated_gender = cleaned.get("gender", existing.gender if existing else "")
                stated_birth = cleaned.get("birth_date", existing.birth_date if existing else None)
                if stated_gender and stated_gender != gender:
                    errors["id_number"] = [_("The ID number does not agree with the gender.")]
                elif stated_birth and stated_birth != birth:
                    errors["id_number"] = [_("The ID number does not agree with the birth date.")]
                else:
                    cleaned.setdefault("gender", gender)
                    if not stated_birth:
                        cleaned["birth_date"] = birth
            except ValidationError as exc:
                errors["id_number"] = list(exc.messages)
        else:
            cleaned["id_number"] = ""
    elif (
        existing is not None
        and existing.id_number_encrypted
        and ("gender" in cleaned or "birth_date" in cleaned)
    ):
        try:
            _number, birth, gender = parse_id_number(decrypt(existing.id_number_encrypted))
        except ValidationError:
            pass  # unreadable (other key) or legacy value: nothing to compare against
        else:
            if cleaned.get("gender") and cleaned["gender"] != gender:
                errors["gender"] = [_("The ID number does not agree with the gender.")]
            if cleaned.get("birth_date") and cleaned["birth_date"] != birth:
                errors["birth_date"] = [_("The ID number does not agree with the birth date.")]
    kind = cleaned.get("kind") or (existing.kind if existing else Customer.Kind.PERSON)
    if present("custom_data"):
        try:
            cleaned["custom_data"] = clean_custom_data(
                data["custom_data"],
                kind=kind,
                definitions=custom_fields,
                stored=existing.custom_data if existing is not None else None,
            )
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
    elif existing is None:
        try:
            cleaned["custom_data"] = clean_custom_data({}, kind=kind, definitions=custom_fields)
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned


def clean_contact_input(given: ContactInput) -> dict[str, Any]:
    """Validate the contact fields given; a contact always has a name."""
    data = given.given()
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key, limit in CONTACT_TEXT_LIMITS.items():
        if key in data:
            text = str(data.get(key) or "").strip()
            if len(text) > limit:
                errors[key] = [_("At most %(limit)d characters.") % {"limit": limit}]
            cleaned[key] = text
    if not cleaned.get("name"):
        errors.setdefault("name", [_("Enter a name.")])
    for key in ("mobile", "phone"):
        if key in data:
            try:
                cleaned[key] = normalize_phone(str(data.get(key) or ""), mobile=key == "mobile")
            except ValidationError as exc:
                errors[key] = list(exc.messages)
    if "email" in data:
        email = str(data.get("email") or "").strip().lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors["email"] = [_("Enter a valid e-mail address.")]
        cleaned["email"] = email
    if "is_decision_maker" in data:
        cleaned["is_decision_maker"] = bool(data.get("is_decision_maker"))
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned

"""Cleaning customer input from any channel (pages, API, import) into model values.

Returns cleaned values or raises ValidationFailed with translated per-field messages.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.crypto import decrypt
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
_POSTCODE = re.compile(r"^\d{6}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _is_scalar(value) -> bool:
    return value is None or isinstance(
        value, str | int | float | Decimal | dt.date | Customer | Industry | Source
    )


def _text(value) -> str:
    if value is None:
        return ""
    return _CONTROL.sub("", str(value)).strip()


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


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


def clean_custom_data(raw, *, kind: str) -> dict:
    raw = raw or {}
    if not isinstance(raw, dict):
        raise ValidationFailed(
            field_errors={"custom_data": [_("Custom fields must be an object.")]}
        )
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
    return cleaned


def _custom_value(definition, value):
    kind = definition.field_type
    if kind == CustomFieldDefinition.Type.NUMBER:
        number = Decimal(str(value))
        if not number.is_finite():
            raise ValueError
        return str(number)
    if kind == CustomFieldDefinition.Type.DATE:
        return _date(value).isoformat()
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


def clean_customer_input(data: dict, *, existing: Customer | None = None) -> dict:
    """Validate `data` (only the keys present are changed when `existing` is given)."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    unknown = set(data) - set(EDITABLE_FIELDS)
    for key in sorted(unknown):
        errors[key] = [_("Unknown field.")]
    # A list or object where one value belongs (a JSON body, a repeated form field) is refused
    # instead of being stored as its Python text ("['a']").
    not_scalar = {k for k, v in data.items() if k != "custom_data" and not _is_scalar(v)}
    for key in sorted(not_scalar - unknown):
        errors[key] = [_("Enter a single value.")]
    data = {k: v for k, v in data.items() if k not in not_scalar}

    def present(key):
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
    for key, choices in CHOICE_FIELDS.items():
        if present(key):
            value = _text(data[key])
            if value not in choices.values:
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
            cleaned["birth_date"] = _date(data["birth_date"])
            if cleaned["birth_date"] and cleaned["birth_date"] > timezone.localdate():
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
            cleaned["custom_data"] = clean_custom_data(data["custom_data"], kind=kind)
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
    elif existing is None:
        try:
            cleaned["custom_data"] = clean_custom_data({}, kind=kind)
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned

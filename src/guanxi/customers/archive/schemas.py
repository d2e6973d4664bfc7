"""Request and response shapes of the customer API (INTG-2).

Input schemas only check the JSON types; every business rule (lengths, phone and ID number
formats, choices, duplicates) stays in `validation.clean_customer_input` and the services, so
the pages, the import and the API refuse the same input with the same messages.

Phones are always masked in the output and the ID number appears only as
`id_number_masked`; the full value comes from `POST /customers/{id}/reveal`, which is audited
(ARC-6).
"""

import datetime as dt
import re
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

from guanxi.core.phones import mask_phone
from guanxi.customers.archive.validation import TEXT_LIMITS

_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _clean_text(value: str) -> str:
    # Control characters and lone surrogates cannot be stored (PostgreSQL refuses NUL).
    return _UNSAFE.sub("", value)


Text = Annotated[str, AfterValidator(_clean_text)]
# Long enough for any legal value, short enough that nobody posts a novel into a phone field;
# the exact limits are checked by the service with its own messages.
ShortText = Annotated[str, Field(max_length=300), AfterValidator(_clean_text)]
TagName = Annotated[str, Field(max_length=30), AfterValidator(_clean_text)]
# A database id: positive and within a 64-bit integer (SQLite cannot even bind a larger one).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _limited(name: str):
    return Annotated[str, Field(max_length=TEXT_LIMITS[name]), AfterValidator(_clean_text)]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class CustomerFields(_Input):
    """The ARC-2 fields a user may set (validation.EDITABLE_FIELDS); all optional here."""

    kind: Literal["person", "organisation"] | None = None
    name: _limited("name") | None = None
    gender: Literal["", "M", "F"] | None = None
    id_number: ShortText | None = None
    credit_code: ShortText | None = None
    occupation: _limited("occupation") | None = None
    birth_date: dt.date | None = None
    mobile: ShortText | None = None
    home_phone: ShortText | None = None
    office_phone: ShortText | None = None
    fax: ShortText | None = None
    email: ShortText | None = None
    wechat: _limited("wechat") | None = None
    home_address: _limited("home_address") | None = None
    home_postcode: ShortText | None = None
    work_address: _limited("work_address") | None = None
    work_postcode: ShortText | None = None
    province: _limited("province") | None = None
    city: _limited("city") | None = None
    industry: Id | None = Field(None, description="Industry id")
    scale: ShortText | None = None
    buyer_role: ShortText | None = None
    source: Id | None = Field(None, description="Lead source id")
    first_contact_at: dt.datetime | None = None
    first_contact_channel: ShortText | None = None
    products_of_interest: _limited("products_of_interest") | None = None
    level: ShortText | None = None
    visit_minutes: int | None = Field(None, ge=0, le=24 * 60)
    needs: _limited("needs") | None = None
    background: _limited("background") | None = None
    notes: _limited("notes") | None = None
    custom_data: dict[str, Any] | None = None

    def service_data(self) -> dict:
        """The fields the caller sent, as the service expects them."""
        data = self.model_dump(exclude_unset=True)
        for key in ("tags", "owner_id", "version"):
            data.pop(key, None)
        return data


class CustomerCreate(CustomerFields):
    name: _limited("name")
    tags: list[TagName] = Field(default_factory=list, max_length=50)
    owner_id: Id | None = Field(None, description="Defaults to the caller; a user in scope")


class CustomerPatch(CustomerFields):
    version: Annotated[int, Field(ge=0, le=2**31)] = Field(
        description="The version you read; a newer one gives 409"
    )
    tags: list[TagName] | None = Field(None, max_length=50)
    owner_id: Id | None = Field(None, description="Change the owner (needs the permission)")


class CustomerQuery(Schema):
    q: Annotated[str, Field(max_length=100), AfterValidator(_clean_text)] = ""
    kind: Literal["", "person", "organisation"] = ""
    category: Literal["", "non", "potential", "target", "actual", "lost"] = ""
    owner: Id | None = None
    department: Id | None = None
    tag: Id | None = None
    source: Id | None = None
    industry: Id | None = None
    level: Annotated[str, Field(max_length=10), AfterValidator(_clean_text)] = ""
    province: Annotated[str, Field(max_length=20), AfterValidator(_clean_text)] = ""
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    sort: Literal["-id", "id", "-updated", "name"] = "-id"
    cursor: Annotated[str, Field(max_length=500, pattern=r"^[A-Za-z0-9_\-]*$")] = ""
    page_size: int = Field(25, ge=1, le=100)


class TagsIn(_Input):
    tags: list[TagName] = Field(max_length=50)


class MergeIn(_Input):
    duplicate_id: Id


class RevealIn(_Input):
    field: Literal["mobile", "home_phone", "office_phone", "id_number"]


class ContactCreate(_Input):
    name: Annotated[str, Field(max_length=50), AfterValidator(_clean_text)]
    title: Annotated[str, Field(max_length=50), AfterValidator(_clean_text)] = ""
    is_decision_maker: bool = False
    mobile: ShortText = ""
    phone: ShortText = ""
    email: ShortText = ""
    wechat: Annotated[str, Field(max_length=60), AfterValidator(_clean_text)] = ""
    notes: Annotated[str, Field(max_length=500), AfterValidator(_clean_text)] = ""


class ContactPatch(_Input):
    name: Annotated[str, Field(max_length=50), AfterValidator(_clean_text)] | None = None
    title: Annotated[str, Field(max_length=50), AfterValidator(_clean_text)] | None = None
    is_decision_maker: bool | None = None
    mobile: ShortText | None = None
    phone: ShortText | None = None
    email: ShortText | None = None
    wechat: Annotated[str, Field(max_length=60), AfterValidator(_clean_text)] | None = None
    notes: Annotated[str, Field(max_length=500), AfterValidator(_clean_text)] | None = None


# ---------------------------------------------------------------- output


class Ref(Schema):
    id: int
    name: str


class TagOut(Schema):
    id: int
    name: str
    color: str


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": str(obj)} if obj is not None else None


class CustomerOut(Schema):
    id: int
    kind: str
    name: str
    name_pinyin: str
    gender: str
    category: str
    owner: Ref | None
    department: Ref | None
    tags: list[TagOut]
    source: Ref | None
    industry: Ref | None
    mobile: str = Field(description="Masked (138****8000); use /reveal for the full number")
    home_phone: str = Field(description="Masked")
    office_phone: str = Field(description="Masked")
    fax: str
    email: str
    wechat: str
    id_number_masked: str
    credit_code: str
    occupation: str
    birth_date: dt.date | None
    home_address: str
    home_postcode: str
    work_address: str
    work_postcode: str
    province: str
    city: str
    scale: str
    buyer_role: str
    first_contact_at: dt.datetime | None
    first_contact_channel: str
    products_of_interest: str
    level: str
    visit_minutes: int | None
    needs: str
    background: str
    notes: str
    custom_data: dict[str, Any]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None

    @staticmethod
    def resolve_owner(obj):
        return _ref(obj.owner)

    @staticmethod
    def resolve_department(obj):
        return _ref(obj.department)

    @staticmethod
    def resolve_source(obj):
        return _ref(obj.source)

    @staticmethod
    def resolve_industry(obj):
        return _ref(obj.industry)

    @staticmethod
    def resolve_tags(obj):
        return [{"id": t.pk, "name": t.name, "color": t.color} for t in obj.tags.all()]

    @staticmethod
    def resolve_mobile(obj):
        return mask_phone(obj.mobile)

    @staticmethod
    def resolve_home_phone(obj):
        return mask_phone(obj.home_phone)

    @staticmethod
    def resolve_office_phone(obj):
        return mask_phone(obj.office_phone)


class CustomerPageOut(Schema):
    items: list[CustomerOut]
    next_cursor: str | None
    total: int
    total_capped: bool = Field(description="True when there are more than `total` matches")


class RevealOut(Schema):
    field: str
    value: str


class TimelineEventOut(Schema):
    id: int
    kind: str
    occurred_at: dt.datetime
    actor: Ref | None
    title: str
    body: str
    ref_type: str
    ref_id: str
    data: dict[str, Any]

    @staticmethod
    def resolve_actor(obj):
        return _ref(obj.actor)


class TimelineOut(Schema):
    items: list[TimelineEventOut]
    next_cursor: str | None


class FieldChangeOut(Schema):
    field: str
    old: str
    new: str


class HistoryEntryOut(Schema):
    at: dt.datetime
    user: Ref | None
    type: Literal["+", "~", "-"]
    changes: list[FieldChangeOut]


class ContactOut(Schema):
    id: int
    customer_id: int
    name: str
    title: str
    is_decision_maker: bool
    mobile: str = Field(description="Masked")
    phone: str = Field(description="Masked")
    email: str
    wechat: str
    notes: str
    created_at: dt.datetime

    @staticmethod
    def resolve_mobile(obj):
        return mask_phone(obj.mobile)

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

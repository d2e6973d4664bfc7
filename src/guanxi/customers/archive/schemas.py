"""Request and response shapes of the customer API (INTG-2).

Input schemas only check the JSON types; every business rule (lengths, phone and ID number
formats, choices, duplicates) stays in `validation.clean_customer_input` and the services, so
the pages, the import and the API refuse the same input with the same messages.

Phones are always masked in the output and the ID number appears only as
`id_number_masked`; the full value comes from `POST /customers/{id}/reveal`, which is audited
(ARC-6).
"""

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

from guanxi.core.phones import mask_phone
from guanxi.core.schemas import Boolean, Id, Input, Integer, QueryId, RefOf, ShortText, clean_text
from guanxi.customers.archive.validation import TEXT_LIMITS, ContactInput, CustomerInput


def _text(max_length: int) -> Any:
    return Annotated[str, Field(max_length=max_length), AfterValidator(clean_text)]


def _limited(name: str) -> Any:
    return _text(TEXT_LIMITS[name])


TagName = _text(30)
# Output only: a phone as every list shows it, 138****8000 (ARC-6).
MaskedPhone = Annotated[str, AfterValidator(mask_phone)]


class CustomerFields(Input):
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
    visit_minutes: Integer | None = Field(None, ge=0, le=24 * 60)
    needs: _limited("needs") | None = None
    background: _limited("background") | None = None
    notes: _limited("notes") | None = None
    custom_data: dict[str, Any] | None = None

    def to_input(self) -> CustomerInput:
        """The customer fields the caller sent, as the services take them."""
        return CustomerInput(
            **self.model_dump(exclude_unset=True, exclude={"tags", "owner_id", "version"})
        )


class CustomerCreate(CustomerFields):
    name: _limited("name")
    tags: list[TagName] = Field(default_factory=list, max_length=50)
    owner_id: Id | None = Field(None, description="Defaults to the caller; a user in scope")


class CustomerPatch(CustomerFields):
    version: Annotated[Integer, Field(ge=0, le=2**31)] = Field(
        description="The version you read; a newer one gives 409"
    )
    tags: list[TagName] | None = Field(None, max_length=50)
    owner_id: Id | None = Field(None, description="Change the owner (needs the permission)")


class TimelineQuery(Schema):
    cursor: str = Field("", max_length=100, description="next_cursor of the page before")
    limit: int = Field(30, ge=1, le=100)


class HistoryQuery(Schema):
    limit: int = Field(100, ge=1, le=200)


class CustomerQuery(Schema):
    q: _text(100) = ""
    kind: Literal["", "person", "organisation"] = ""
    category: Literal["", "non", "potential", "target", "actual", "lost"] = ""
    owner: QueryId | None = None
    department: QueryId | None = None
    tag: QueryId | None = None
    source: QueryId | None = None
    industry: QueryId | None = None
    level: _text(10) = ""
    province: _text(20) = ""
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    sort: Literal["-id", "id", "-updated", "name"] = "-id"
    cursor: Annotated[str, Field(max_length=500, pattern=r"^[A-Za-z0-9_\-]*$")] = ""
    page_size: int = Field(25, ge=1, le=100)


class TagsIn(Input):
    tags: list[TagName] = Field(max_length=50)


class MergeIn(Input):
    duplicate_id: Id


class RevealIn(Input):
    field: Literal["mobile", "home_phone", "office_phone", "id_number"]


class ContactCreate(Input):
    name: _text(50)
    title: _text(50) = ""
    is_decision_maker: Boolean = False
    mobile: ShortText = ""
    phone: ShortText = ""
    email: ShortText = ""
    wechat: _text(60) = ""
    notes: _text(500) = ""

    def to_input(self) -> ContactInput:
        return ContactInput(**self.model_dump())


class ContactPatch(Input):
    # Only the fields sent change (the docstring would show in the OpenAPI document).
    name: _text(50) | None = None
    title: _text(50) | None = None
    is_decision_maker: Boolean | None = None
    mobile: ShortText | None = None
    phone: ShortText | None = None
    email: ShortText | None = None
    wechat: _text(60) | None = None
    notes: _text(500) | None = None

    def to_input(self) -> ContactInput:
        return ContactInput(**self.model_dump(exclude_unset=True))


# ---------------------------------------------------------------- output


class TagOut(Schema):
    id: int
    name: str
    color: str


class CustomerOut(Schema):
    id: int
    kind: str
    name: str
    name_pinyin: str
    gender: str
    category: str
    owner: RefOf | None
    department: RefOf | None
    tags: list[TagOut]
    source: RefOf | None
    industry: RefOf | None
    mobile: MaskedPhone = Field(description="Masked (138****8000); use /reveal for the full number")
    home_phone: MaskedPhone = Field(description="Masked")
    office_phone: MaskedPhone = Field(description="Masked")
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
    visit_minutes: Integer | None
    needs: str
    background: str
    notes: str
    custom_data: dict[str, Any]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None

    @staticmethod
    def resolve_tags(obj: Any) -> list[Any]:
        return list(obj.tags.all())


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
    actor: RefOf | None
    title: str
    body: str
    ref_type: str
    ref_id: str
    data: dict[str, Any]


class TimelineOut(Schema):
    items: list[TimelineEventOut]
    next_cursor: str | None


class FieldChangeOut(Schema):
    field: str
    old: str
    new: str


class HistoryEntryOut(Schema):
    at: dt.datetime
    user: RefOf | None
    type: Literal["+", "~", "-"]
    changes: list[FieldChangeOut]


class ContactOut(Schema):
    id: int
    customer_id: int
    name: str
    title: str
    is_decision_maker: Boolean
    mobile: MaskedPhone = Field(description="Masked")
    phone: MaskedPhone = Field(description="Masked")
    email: str
    wechat: str
    notes: str
    created_at: dt.datetime

"""Request and response shapes of the web-form API (INTG-4). The rules stay in
leads.services, so the page and the API refuse the same input with the same messages."""

from typing import Annotated

from ninja import Field, Schema

from guanxi.core.schemas import Boolean, Id, Input, Text, choices
from guanxi.portal.models import LeadField


class LeadFormIn(Input):
    name: Annotated[Text, Field(max_length=300)]
    fields: list[Annotated[str, Field(json_schema_extra=choices(LeadField.values))]] = []
    required: list[Annotated[str, Field(json_schema_extra=choices(LeadField.values))]] = []
    department_id: Id | None = Field(None, description="The team served round-robin")
    pool_id: Id | None = Field(None, description="Or the public pool new customers go into")
    campaign: Annotated[Text, Field(max_length=300)] = ""
    allowed_origins: list[Annotated[Text, Field(max_length=200)]] = Field(
        [], description="Sites that may frame the form; empty: any"
    )
    thank_you: Annotated[Text, Field(max_length=1000)] = ""
    is_active: Boolean = True


class LeadFormOut(Schema):
    id: int
    name: str
    key: str
    fields: list[str]
    required: list[str]
    department_id: int | None
    pool_id: int | None
    campaign: str
    allowed_origins: list[str] = Field(alias="origins")
    thank_you: str
    is_active: bool
    form_url: str
    script_tag: str

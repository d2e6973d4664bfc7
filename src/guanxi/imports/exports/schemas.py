"""The exports' API shapes (RPT-2)."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema


class ExportIn(Schema):
    kind: Annotated[str, Field(max_length=20)] = Field(
        description="customers, followups, pool, contracts, quotes, orders, deliveries, "
        "instalments, payments, invoices or visits"
    )
    format: Annotated[str, Field(max_length=4)] = Field("xlsx", description="xlsx or csv")
    params: dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=200)]] = (
        Field(
            default_factory=dict,
            description="the list's filters, as its page's query string has them "
            "(a pool export names the pool: pool=3)",
        )
    )


class ExportOut(Schema):
    id: int
    kind: str
    format: str
    params: dict[str, str]
    status: str = Field(description="queued, running, done, failed or expired")
    rows_expected: int = Field(description="0 when the list gives no count in advance")
    rows_done: int
    percent: int
    size: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    expires_at: dt.datetime | None
    download_url: str | None


class ExportPageOut(Schema):
    items: list[ExportOut]
    next_cursor: str | None

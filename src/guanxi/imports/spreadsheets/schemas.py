"""The import's API shapes (INTG-1)."""

import datetime as dt

from ninja import Schema

from guanxi.imports.models import ImportBatch


class FieldOut(Schema):
    key: str
    label: str


class BatchOut(Schema):
    id: int
    kind: str
    file_name: str
    file_kind: str
    encoding: str
    status: str
    owner_id: int
    default_owner_id: int
    headers: list[str]
    mapping: dict[str, int]
    on_duplicate: str
    create_sources: bool
    create_tags: bool
    total_rows: int
    created_at: dt.datetime
    has_report: bool

    @staticmethod
    def resolve_has_report(obj: ImportBatch) -> bool:
        return bool(obj.report)


class MappingIn(Schema):
    mapping: dict[str, int]
    on_duplicate: str = ImportBatch.OnDuplicate.SKIP
    create_sources: bool = False
    create_tags: bool = True
    default_owner_id: int | None = None
    template_name: str = ""


class ProgressOut(Schema):
    status: str
    phase: str
    done: int
    total: int
    percent: int
    rate: float
    seconds_left: int | None
    counts: dict[str, int]
    running: bool

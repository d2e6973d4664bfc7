"""Reads of imports, scoped: a user sees the batches of their data scope (their own, their
team's for a manager), changes only their own (services)."""

from dataclasses import dataclass
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.errors import NotFound
from guanxi.imports.models import ImportBatch, ImportTemplate
from guanxi.imports.spreadsheets.reading import cell_text, rows_of

LIST_CAP = 100


def batch_list(*, user: User) -> list[ImportBatch]:
    """The latest batches in the user's scope (bounded)."""
    batches = ImportBatch.objects.visible_to(user).select_related("owner", "default_owner")
    return list(batches.order_by("-id")[:LIST_CAP])


def batch_get_for_user(*, user: User, pk: int) -> ImportBatch:
    batch: ImportBatch | None = (
        ImportBatch.objects.visible_to(user)
        .select_related("owner", "default_owner")
        .filter(pk=pk)
        .first()
    )
    if batch is None:
        raise NotFound()
    return batch


def templates_of(*, user: User) -> QuerySet[ImportTemplate]:
    return ImportTemplate.objects.filter(owner=user)


def batch_preview(*, batch: ImportBatch, rows: int = 3) -> list[list[str]]:
    """The first data rows as text, for the mapping page."""
    preview: list[list[str]] = []
    source = rows_of(Path(batch.file.path), kind=batch.file_kind, encoding=batch.encoding)
    next(source, None)
    for row in source:
        cells = [cell_text(c)[:40] for c in row.cells]
        preview.append(cells + [""] * (len(batch.headers) - len(cells)))
        if len(preview) >= rows:
            break
    return preview


@dataclass(frozen=True)
class Progress:
    status: str
    phase: str
    done: int
    total: int
    percent: int
    rate: float  # rows per second
    seconds_left: int | None
    counts: dict[str, int]
    running: bool


def batch_progress(*, batch: ImportBatch) -> Progress:
    counts = batch.run_counts if batch.phase == "run" else batch.check_counts
    running = batch.status in (
        ImportBatch.Status.CHECKING,
        ImportBatch.Status.QUEUED,
        ImportBatch.Status.RUNNING,
    )
    total = batch.total_rows
    percent = 100 if not running and batch.rows_done else 0
    if total:
        percent = min(100, batch.rows_done * 100 // total)
    rate = 0.0
    seconds_left = None
    if batch.started_at and batch.rows_done:
        end = batch.finished_at or timezone.now()
        elapsed = max((end - batch.started_at).total_seconds(), 0.001)
        rate = batch.rows_done / elapsed
        if running and total:
            seconds_left = int((total - batch.rows_done) / rate) if rate else None
    return Progress(
        status=batch.status,
        phase=batch.phase,
        done=batch.rows_done,
        total=total,
        percent=percent,
        rate=round(rate, 1),
        seconds_left=seconds_left,
        counts={key: int(counts.get(key, 0)) for key in ("new", "updated", "duplicate", "error")},
        running=running,
    )

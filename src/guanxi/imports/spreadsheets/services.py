"""Every write of the spreadsheet import (INTG-1) of customers, follow-ups or purchase
history (the batch's kind). Keyword-only, one transaction each; the background phases (dry
run, import) advance in checkpointed chunks: a chunk's outcome rows, its records and its
checkpoint commit together, so a worker killed between chunks resumes after the last one
committed and no row is done twice. The dry run goes through the file in order (its
checkpoint is the batch's `rows_done`; duplicates inside the file are found in memory). The
import's chunks are rows of ImportChunk that several workers share: each locks an undone
chunk, does it and marks it done (`import_workers` tasks are queued for a batch of customers
on PostgreSQL). Each kind judges its rows in its own module (rows.py, followup_rows.py,
purchase_rows.py); `_judge_for` picks it."""

import datetime as dt
import hashlib
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.permissions import MANAGE_FIELDS
from guanxi.accounts.selectors import user_can, users_in_scope
from guanxi.core.audit import audit_record
from guanxi.core.errors import Conflict, PermissionDenied, ValidationFailed
from guanxi.core.sql import insert_rows
from guanxi.customers.models import Customer, DedupKey, TimelineEvent
from guanxi.imports.common.permissions import IMPORT_FOR_OTHERS
from guanxi.imports.models import ImportBatch, ImportChunk, ImportRow, ImportTemplate
from guanxi.imports.spreadsheets import followup_rows, purchase_rows
from guanxi.imports.spreadsheets.fields import (
    REQUIRED,
    auto_mapping,
    import_fields,
    mapping_from_template,
)
from guanxi.imports.spreadsheets.reading import (
    Row,
    detect_encoding,
    file_kind,
    header_names,
    refuse,
    rows_of,
)
from guanxi.imports.spreadsheets.rows import Judged, Lookups, judge_chunk
from guanxi.pipeline.prospects.services import followups_remove_recorded
from guanxi.sales.common.permissions import RECORD_HISTORY
from guanxi.sales.receivables.services import contracts_remove_history

Status = ImportBatch.Status
Kind = ImportBatch.Kind
CHUNK = 500
ROLLBACK_WINDOW = dt.timedelta(days=1)
PHASE_CHECK, PHASE_RUN = "check", "run"
COUNT_KEYS = ("new", "updated", "duplicate", "error")


def import_workers(kind: str) -> int:
    """How many tasks share a batch's import. Only customers on PostgreSQL: SQLite writes
    one transaction at a time, and follow-ups or purchases of one customer in two chunks at
    once would wait on each other's locks of that customer's records."""
    if kind != Kind.CUSTOMERS or connection.vendor != "postgresql":
        return 1
    return max(1, int(getattr(settings, "IMPORT_WORKERS", 2)))


def max_file_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_FILE_BYTES", 200 * 1024 * 1024))


def _store(upload: "UploadedFile[bytes]") -> tuple[Path, str]:
    """The upload as a local temporary file (bounded) and its SHA-256."""
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(delete=False, suffix=".upload") as handle:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > max_file_bytes():
                Path(handle.name).unlink(missing_ok=True)
                raise refuse(
                    _("The file is larger than %(mb)d MB.") % {"mb": max_file_bytes() // 2**20}
                )
            digest.update(chunk)
            handle.write(chunk)
    return Path(handle.name), digest.hexdigest()


def _header(path: Path, *, kind: str, encoding: str) -> list[str]:
    for row in rows_of(path, kind=kind, encoding=encoding):
        if row.problem:
            raise refuse(row.problem)
        return header_names(row.cells)
    raise refuse(_("The file is empty: it has no header row."))


def _check_owner(actor: User, owner: User) -> None:
    if owner.pk == actor.pk:
        return
    if not user_can(user=actor, permission=IMPORT_FOR_OTHERS) or not users_in_scope(
        user=actor
    ).filter(pk=owner.pk):
        raise PermissionDenied(_("You may not import customers for other people."))


def _check_kind(actor: User, kind: str) -> None:
    if kind not in Kind.values:
        raise ValidationFailed(field_errors={"kind": [_("Select a valid choice.")]})
    if kind == Kind.PURCHASES and not user_can(user=actor, permission=RECORD_HISTORY):
        raise PermissionDenied(_("You may not record purchase history."))


@transaction.atomic
def batch_upload(
    *, actor: User, upload: "UploadedFile[bytes]", kind: str = Kind.CUSTOMERS
) -> ImportBatch:
    """A new batch from an uploaded file: its header read, its columns mapped by name to
    the fields of its kind (customers, follow-ups or purchase history)."""
    _check_kind(actor, kind)
    name = (upload.name or "import").rsplit("/", 1)[-1][:200]
    suffix = file_kind(name)
    path, sha256 = _store(upload)
    try:
        if path.stat().st_size == 0:
            raise refuse(_("The file is empty."))
        encoding = detect_encoding(path) if suffix == "csv" else ""
        headers = _header(path, kind=suffix, encoding=encoding)
        batch = ImportBatch(
            owner=actor,
            department_id=actor.department_id,
            default_owner=actor,
            kind=kind,
            file_name=name,
            file_sha256=sha256,
            file_kind=suffix,
            encoding=encoding,
            headers=headers,
            mapping=auto_mapping(headers, import_fields(kind)),
        )
        with path.open("rb") as handle:
            batch.file.save(f"{sha256[:16]}.{suffix}", File(handle), save=False)
        batch.save()
    finally:
        path.unlink(missing_ok=True)
    return batch


@dataclass(frozen=True, kw_only=True)
class MappingInput:
    mapping: dict[str, int]  # field key → column index
    on_duplicate: str = ImportBatch.OnDuplicate.SKIP
    create_sources: bool = False
    create_tags: bool = True
    default_owner_id: int | None = None
    template_name: str = ""


def _editable(actor: User, batch: ImportBatch) -> ImportBatch:
    locked = ImportBatch.objects.select_for_update().filter(pk=batch.pk, owner=actor).first()
    if locked is None:
        raise PermissionDenied(_("Only the user who uploaded the file may change this import."))
    return locked


@transaction.atomic
def batch_map(*, actor: User, batch: ImportBatch, data: MappingInput) -> ImportBatch:
    """Set the column mapping and options (before the import runs); the dry run is redone."""
    locked = _editable(actor, batch)
    if locked.status not in (Status.UPLOADED, Status.CHECKED, Status.CHECKING):
        raise Conflict(_("This import has started; its mapping can no longer change."))
    known = {field.key for field in import_fields(locked.kind)}
    errors: dict[str, list[str]] = {}
    columns = len(locked.headers)
    used: dict[int, str] = {}
    for key, index in data.mapping.items():
        if key not in known:
            errors.setdefault("mapping", []).append(_("Unknown field: %(key)s") % {"key": key})
        elif not 0 <= index < columns:
            errors.setdefault("mapping", []).append(_("Unknown column."))
        elif index in used:
            errors.setdefault("mapping", []).append(
                _("The column %(column)s is mapped twice.") % {"column": locked.headers[index]}
            )
        used[index] = key
    labels = {field.key: str(field.label) for field in import_fields(locked.kind)}
    for required in REQUIRED[locked.kind]:
        if isinstance(required, str) and required not in data.mapping:
            errors.setdefault("mapping", []).append(
                _("Map a column to the field %(field)s.") % {"field": labels[required]}
            )
        elif not isinstance(required, str) and not required & set(data.mapping):
            names = " / ".join(labels[key] for key in labels if key in required)
            errors.setdefault("mapping", []).append(
                _("Map a column to one of: %(fields)s.") % {"fields": names}
            )
    if data.on_duplicate not in ImportBatch.OnDuplicate.values:
        errors["on_duplicate"] = [_("Select a valid choice.")]
    if data.create_sources and not user_can(user=actor, permission=MANAGE_FIELDS):
        errors["create_sources"] = [_("You may not create lead sources.")]
    owner = actor
    if data.default_owner_id and data.default_owner_id != actor.pk:
        found = User.objects.filter(pk=data.default_owner_id, is_active=True).first()
        if found is None:
            errors["default_owner"] = [_("Unknown user.")]
        else:
            _check_owner(actor, found)
            owner = found
    if errors:
        raise ValidationFailed(field_errors=errors)
    locked.mapping = dict(data.mapping)
    locked.on_duplicate = data.on_duplicate
    locked.create_sources = data.create_sources
    locked.create_tags = data.create_tags
    locked.default_owner = owner
    locked.status = Status.UPLOADED
    locked.check_counts = {}
    locked.save()
    if data.template_name.strip():
        template_save(
            actor=actor,
            name=data.template_name,
            mapping={locked.headers[i]: key for key, i in locked.mapping.items()},
        )
    return locked


def template_save(*, actor: User, name: str, mapping: dict[str, str]) -> ImportTemplate:
    name = name.strip()[:60]
    if not name:
        raise ValidationFailed(field_errors={"template_name": [_("Enter a name.")]})
    template, _created = ImportTemplate.objects.update_or_create(
        owner=actor, name=name, defaults={"mapping": mapping}
    )
    return template


@transaction.atomic
def batch_apply_template(
    *, actor: User, batch: ImportBatch, template: ImportTemplate
) -> ImportBatch:
    if template.owner_id != actor.pk:
        raise PermissionDenied()
    locked = _editable(actor, batch)
    if locked.status not in (Status.UPLOADED, Status.CHECKED):
        raise Conflict(_("This import has started; its mapping can no longer change."))
    locked.mapping = mapping_from_template(locked.headers, template.mapping)
    locked.status = Status.UPLOADED
    locked.save(update_fields=["mapping", "status"])
    return locked


def _enqueue(batch: ImportBatch) -> None:
    # a module-level import would be circular: tasks.py calls batch_process from here
    from guanxi.imports.spreadsheets.tasks import import_process

    # enqueued inside the caller's transaction: the database backend's task row commits with
    # the batch's new status, or neither does. A task that finds the batch finished (a single
    # task worker runs them one after another) returns at once.
    tasks = import_workers(batch.kind) if batch.phase == PHASE_RUN else 1
    for _task in range(tasks):
        import_process.enqueue(batch.pk)


def _phase_begin(batch: ImportBatch, *, status: str, phase: str) -> None:
    """Set the batch off on its dry run (PHASE_CHECK) or its import (PHASE_RUN): that phase's
    counts and progress start from nothing."""
    batch.status = status
    batch.phase = phase
    batch.rows_done = 0
    if phase == PHASE_RUN:
        batch.run_counts = {}
    else:
        batch.check_counts = {}
    batch.started_at = timezone.now()
    batch.finished_at = None


@transaction.atomic
def batch_check(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Queue the dry run: every row judged, nothing written but the outcome rows."""
    locked = _editable(actor, batch)
    if locked.status not in (Status.UPLOADED, Status.CHECKED):
        raise Conflict(_("This import has started; it cannot be checked again."))
    ImportRow.objects.filter(batch=locked, phase=PHASE_CHECK).delete()
    _phase_begin(locked, status=Status.CHECKING, phase=PHASE_CHECK)
    locked.report = ""
    locked.save()
    _enqueue(locked)
    return locked


def batch_start(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Queue the import of a checked batch; the same file cannot run twice at once."""
    try:
        with transaction.atomic():
            locked = _editable(actor, batch)
            if locked.status != Status.CHECKED:
                raise Conflict(_("Run the dry run first."))
            _check_owner(actor, locked.default_owner)
            _check_kind(actor, locked.kind)
            _phase_begin(locked, status=Status.QUEUED, phase=PHASE_RUN)
            locked.save()
            audit_record(
                actor=actor,
                action="imports.run",
                target=locked,
                summary=locked.file_name,
                detail={
                    "rows": locked.total_rows,
                    "kind": locked.kind,
                    "on_duplicate": locked.on_duplicate,
                },
            )
            _enqueue(locked)
    except IntegrityError:
        raise Conflict(_("This file is being imported already; wait until it finishes.")) from None
    return locked


@transaction.atomic
def batch_cancel(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Stop after the chunk under way; what was imported stays (and can be rolled back)."""
    locked = _editable(actor, batch)
    if locked.status not in (Status.CHECKING, Status.QUEUED, Status.RUNNING):
        raise Conflict(_("This import is not running."))
    locked.cancel_requested = True
    locked.save(update_fields=["cancel_requested"])
    return locked


@transaction.atomic
def batch_rollback(*, actor: User, batch: ImportBatch) -> int:
    """Undo what the batch created, within a day, by the user who imported it: customers go
    to the recycle bin (soft, restorable; customers it updated keep their changes);
    follow-ups and purchase history are removed through their apps' services (a history
    contract that something was added to since stays). Returns how many records went."""
    locked = _editable(actor, batch)
    if locked.status not in (Status.DONE, Status.CANCELLED, Status.FAILED):
        raise Conflict(_("Only a finished import can be rolled back."))
    finished = locked.finished_at or locked.created_at
    if timezone.now() - finished > ROLLBACK_WINDOW:
        raise Conflict(_("An import can be rolled back within a day only."))
    if locked.kind != Kind.CUSTOMERS:
        return _rollback_records(actor, locked)
    created = ImportRow.objects.filter(
        batch=locked, phase=PHASE_RUN, outcome=ImportRow.Outcome.NEW
    ).values("customer_id")
    customers = Customer.objects.filter(pk__in=created, deleted_at__isnull=True)
    ids = list(customers.values_list("pk", flat=True))
    now = timezone.now()
    Customer.objects.filter(pk__in=ids).update(deleted_at=now, deleted_by=actor, updated_at=now)
    # a deleted customer no longer blocks a new one with the same keys (as customer_delete)
    DedupKey.objects.filter(customer_id__in=ids).delete()
    title = _("Moved to the recycle bin: import %(file)s rolled back") % {"file": locked.file_name}
    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                customer_id=pk, kind="deleted", title=title[:200], actor=actor, occurred_at=now
            )
            for pk in ids
        ],
        batch_size=1000,
    )
    _rolled_back(actor=actor, batch=locked, at=now, detail={"customers": len(ids)})
    return len(ids)


def _rollback_records(actor: User, locked: ImportBatch) -> int:
    ids = [
        pk
        for pk in ImportRow.objects.filter(
            batch=locked, phase=PHASE_RUN, outcome=ImportRow.Outcome.NEW
        ).values_list("record_id", flat=True)
        if pk is not None
    ]
    if locked.kind == Kind.FOLLOWUPS:
        count = followups_remove_recorded(actor=actor, followup_ids=ids)
    else:
        count = contracts_remove_history(actor=actor, contract_ids=ids)
    _rolled_back(actor=actor, batch=locked, at=timezone.now(), detail={str(locked.kind): count})
    return count


def _rolled_back(
    *, actor: User, batch: ImportBatch, at: dt.datetime, detail: dict[str, int]
) -> None:
    """The end of every rollback: the batch marked rolled back, and the rollback audited with
    what it removed."""
    batch.status = Status.ROLLED_BACK
    batch.rolled_back_at = at
    batch.save(update_fields=["status", "rolled_back_at"])
    audit_record(
        actor=actor, action="imports.rollback", target=batch, summary=batch.file_name, detail=detail
    )


# ---------------------------------------------------------------- the background phases


def _data_rows(batch: ImportBatch, path: Path) -> Iterator[Row]:
    rows = rows_of(path, kind=batch.file_kind, encoding=batch.encoding)
    next(rows, None)  # the header row
    return rows


def _count_rows(batch: ImportBatch, path: Path) -> int:
    return sum(1 for _row in _data_rows(batch, path))


def _commit_chunk(batch_id: int, phase: str, judged: list[Judged], *, start: int | None) -> bool:
    """Store a chunk's outcomes and move the progress, unless the batch moved on (cancelled,
    finished, or — in the dry run, `start` given — another worker did this chunk): False
    then, and the chunk's writes are undone."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
    moved_on = (
        batch.phase != phase
        or batch.status not in (Status.CHECKING, Status.RUNNING)
        or batch.cancel_requested
        or (start is not None and batch.rows_done != start)
    )
    if moved_on:
        transaction.set_rollback(True)
        return False
    keep = [j for j in judged if phase == PHASE_RUN or j.outcome in ("duplicate", "error")]
    insert_rows(
        ImportRow,
        ["batch", "phase", "row_number", "outcome", "customer", "record_id", "reason", "cells"],
        [
            (
                batch_id,
                phase,
                j.number,
                j.outcome,
                j.customer_id,
                j.record_id,
                j.reason,
                list(j.cells),
            )
            for j in keep
        ],
    )
    counts = Counter(batch.run_counts if phase == PHASE_RUN else batch.check_counts)
    counts.update(j.outcome for j in judged)
    if phase == PHASE_RUN:
        batch.run_counts = dict(counts)
    else:
        batch.check_counts = dict(counts)
    batch.rows_done += len(judged)
    batch.save(update_fields=["run_counts", "check_counts", "rows_done"])
    return True


def _finish(
    batch_id: int, *, status: str, failure: str = "", when_complete: bool = False
) -> ImportBatch:
    """End the phase, once: a batch another worker finished (or cancelled) stays as it is;
    with `when_complete`, so does an import with chunks still undone (the worker doing the
    last of them ends it)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status not in (Status.CHECKING, Status.QUEUED, Status.RUNNING):
            return batch
        if when_complete and _undone_chunks(batch_id).exists():
            return batch
        batch.status = status
        batch.failure = failure[:300]
        batch.finished_at = timezone.now()
        batch.cancel_requested = False
        batch.save()
    report_write(batch=batch)
    return batch


# a test stops a phase after a number of chunks, as a worker killed there would
ChunkHook = Callable[[int], None]


def batch_process(*, batch_id: int, after_chunk: ChunkHook | None = None) -> ImportBatch:
    """Advance the batch's phase from its checkpoint to the end (the task's body)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("owner").get(pk=batch_id)
        if batch.status not in (Status.CHECKING, Status.QUEUED, Status.RUNNING):
            return batch
        if batch.status == Status.QUEUED:
            batch.status = Status.RUNNING
            batch.save(update_fields=["status"])
    phase = batch.phase
    path = Path(batch.file.path)
    try:
        if not batch.total_rows:
            batch.total_rows = _count_rows(batch, path)
            ImportBatch.objects.filter(pk=batch_id).update(total_rows=batch.total_rows)
        judge = _judge_for(batch)
        if phase == PHASE_CHECK:
            finished = _check_in_order(batch, path, judge, after_chunk)
        else:
            finished = _run_claimed(batch, path, judge, after_chunk)
        if not finished:
            return _stopped(batch_id)
    except ValidationFailed as exc:  # the file turned out unreadable further down
        return _finish(batch_id, status=Status.FAILED, failure=str(exc.message))
    if phase == PHASE_CHECK:
        return _finish(batch_id, status=Status.CHECKED)
    return _finish(batch_id, status=Status.DONE, when_complete=True)


def _chunks(batch: ImportBatch, path: Path) -> Iterator[tuple[int, list[Row]]]:
    """The file's data rows in chunks of CHUNK, numbered from 0."""
    chunk: list[Row] = []
    number = 0
    for row in _data_rows(batch, path):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield number, chunk
            number, chunk = number + 1, []
    if chunk:
        yield number, chunk


def _check_in_order(batch: ImportBatch, path: Path, judge: "Judge", hook: ChunkHook | None) -> bool:
    """The dry run, chunk after chunk from the checkpoint; False if it was stopped."""
    start = batch.rows_done
    done = 0
    for number, rows in _chunks(batch, path):
        if number * CHUNK < start:
            continue
        with transaction.atomic():
            judged = judge(rows, False)
            if not _commit_chunk(batch.pk, PHASE_CHECK, judged, start=start):
                return False
        start += len(rows)
        done += 1
        if hook is not None:
            hook(done)
    return True


def _undone_chunks(batch_id: int) -> QuerySet[ImportChunk]:
    return ImportChunk.objects.filter(batch_id=batch_id, done=False)


def _run_claimed(batch: ImportBatch, path: Path, judge: "Judge", hook: ChunkHook | None) -> bool:
    """The import: every undone chunk this worker can lock, then — for what other workers
    held — each remaining one waiting for its lock (done by then, or free because its worker
    died). False if it was stopped."""
    chunks = -(-batch.total_rows // CHUNK)
    ImportChunk.objects.bulk_create(
        [ImportChunk(batch_id=batch.pk, number=number) for number in range(chunks)],
        ignore_conflicts=True,
    )
    done = 0
    for wait in (False, True):
        undone = set(_undone_chunks(batch.pk).values_list("number", flat=True))
        if not undone:
            break
        for number, rows in _chunks(batch, path):
            if number not in undone:
                continue
            with transaction.atomic():
                claimed = (
                    _undone_chunks(batch.pk)
                    .select_for_update(skip_locked=not wait)
                    .filter(number=number)
                    .first()
                )
                if claimed is None:  # another worker has it, or has done it
                    continue
                judged = judge(rows, True)
                if not _commit_chunk(batch.pk, PHASE_RUN, judged, start=None):
                    return False
                ImportChunk.objects.filter(pk=claimed.pk).update(done=True)
            done += 1
            if hook is not None:
                hook(done)
    return True


# judges a chunk of rows; with write=True it creates what the rows say
Judge = Callable[[list[Row], bool], list[Judged]]


def _judge_for(batch: ImportBatch) -> Judge:
    """The kind's judge, with what it checks every row against read once per run."""
    if batch.kind == Kind.FOLLOWUPS:
        followups = followup_rows.FollowUpLookups.load(batch)
        return lambda rows, write: followup_rows.judge_chunk(rows, followups, write=write)
    if batch.kind == Kind.PURCHASES:
        purchases = purchase_rows.PurchaseLookups.load(batch)
        return lambda rows, write: purchase_rows.judge_chunk(rows, purchases, write=write)
    lookups = Lookups.load(batch)
    return lambda rows, write: judge_chunk(rows, lookups, write=write)


def _stopped(batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.cancel_requested:
        status = Status.UPLOADED if batch.phase == PHASE_CHECK else Status.CANCELLED
        return _finish(batch_id, status=status)
    return batch  # another worker carries on


# ---------------------------------------------------------------- the error report


def _safe(value: str) -> str:
    """Keep spreadsheet programs from running cell text as a formula (CSV injection)."""
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def report_write(*, batch: ImportBatch) -> None:
    """The rows that were not imported (errors and duplicates), as uploaded, with a reason
    column: fix them and import the file again."""
    # imported when used: a web worker that never writes an error report does not hold
    # openpyxl (~14 MiB; the worker's memory budget, issue 13 §3)
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Not imported"))
    sheet.append([_("Row"), _("Reason"), *[_safe(h) for h in batch.headers]])
    problems = (
        ImportRow.objects.filter(batch=batch, phase=batch.phase, outcome__in=["duplicate", "error"])
        .order_by("row_number")
        .values_list("row_number", "reason", "cells")
    )
    for number, reason, cells in problems.iterator(chunk_size=2000):
        sheet.append([number, reason, *[_safe(str(c)) for c in cells]])
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        workbook.save(handle.name)
        with open(handle.name, "rb") as report:
            name = f"{batch.pk}-{batch.phase}.xlsx"
            batch.report.save(name, File(report), save=False)
    ImportBatch.objects.filter(pk=batch.pk).update(report=batch.report.name)

"""The worker's part of an export (RPT-2): write a job's file from the list's own selector
into the default storage, count its progress, audit it; and delete expired files."""

import datetime as dt
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.permissions import EXPORT
from guanxi.accounts.selectors import user_can
from guanxi.core.audit import audit_record
from guanxi.core.errors import PermissionDenied
from guanxi.core.models import AuditLog
from guanxi.imports.exports.kinds import KINDS, ExportKind, context_for, params_query
from guanxi.imports.exports.writing import write_rows
from guanxi.imports.models import ExportJob

KEEP = dt.timedelta(days=3)  # a finished file is deleted after this
PROGRESS_EVERY = 1000  # rows between two progress updates of a running job


def export_check(actor: User) -> None:
    if not user_can(user=actor, permission=EXPORT):
        raise PermissionDenied(_("You may not export data."))


def export_rows(kind: ExportKind, actor: User, params: QueryDict) -> Iterator[list[Any]]:
    context = context_for(actor)
    return (kind.row(record, context) for record in kind.records(actor, params))


def export_audit(
    *, actor: User, kind: str, fmt: str, params: Mapping[str, str], rows: int, complete: bool
) -> None:
    audit_record(
        actor=actor,
        action=AuditLog.Action.EXPORT,
        summary=f"{kind}.{fmt}: {rows}",
        detail={"filters": dict(params), "rows": rows, "format": fmt, "complete": complete},
    )


def _progress(job_id: int) -> Callable[[int], None]:
    def report(count: int) -> None:
        if count % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job_id).update(rows_done=count)

    return report


def export_run(*, job_id: int) -> ExportJob | None:
    """Write a job's file (the task worker's part). A queued or interrupted job is written
    from the start again (the file is written aside and stored at the end), so a restarted
    worker never leaves half a file; a finished or expired one is left alone."""
    job = ExportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.status in (ExportJob.Status.DONE, ExportJob.Status.EXPIRED):
        return job
    kind = KINDS[job.kind]
    actor = job.owner
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.RUNNING, started_at=now, rows_done=0, error=""
    )
    query = params_query(job.params)
    written = 0
    try:
        export_check(actor)  # the permission may have been taken away since the job was started
        expected = kind.count(actor, query) if kind.count is not None else 0
        ExportJob.objects.filter(pk=job.pk).update(rows_expected=expected)
        with tempfile.TemporaryFile() as output:
            written = write_rows(
                job.format,
                output,
                header=kind.columns(),
                rows=export_rows(kind, actor, query),
                sheet_title=str(kind.label),
                progress=_progress(job.pk),
            )
            size = output.tell()
            output.seek(0)
            name = default_storage.save(
                f"exports/{actor.pk}/{uuid.uuid4().hex}.{job.format}", File(output)
            )
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED,
            error=str(exc)[:300],
            finished_at=timezone.now(),
        )
        export_audit(
            actor=actor,
            kind=job.kind,
            fmt=job.format,
            params=job.params,
            rows=ExportJob.objects.filter(pk=job.pk).values_list("rows_done", flat=True)[0],
            complete=False,
        )
        raise
    finished = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        file=name,
        size=size,
        rows_done=written,
        rows_expected=max(written, 1),
        finished_at=finished,
        expires_at=finished + KEEP,
    )
    export_audit(
        actor=actor, kind=job.kind, fmt=job.format, params=job.params, rows=written, complete=True
    )
    job.refresh_from_db()
    return job


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of finished exports past their expiry (the hourly clean-up)."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lte=now):
        if job.file:
            default_storage.delete(str(job.file.name))
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED, file="")
        expired += 1
    return expired

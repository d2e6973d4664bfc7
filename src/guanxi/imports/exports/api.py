"""/api/v1 for exports (RPT-2): start one (always a background job), follow its progress,
download the file. A job of another user answers 404 like one that does not exist."""

from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Query, Router, Status

from guanxi.accounts.http import request_user
from guanxi.core.errors import NotFound
from guanxi.core.schemas import PageQuery
from guanxi.imports.exports import selectors, services
from guanxi.imports.exports.schemas import ExportIn, ExportOut, ExportPageOut
from guanxi.imports.models import ExportJob

router = Router(tags=["Exports"])


def _out(job: ExportJob) -> dict[str, Any]:
    ready = job.status == ExportJob.Status.DONE and bool(job.file)
    return {
        "id": job.pk,
        "kind": job.kind,
        "format": job.format,
        "params": job.params,
        "status": job.status,
        "rows_expected": job.rows_expected,
        "rows_done": job.rows_done,
        "percent": job.percent,
        "size": job.size,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "expires_at": job.expires_at,
        "download_url": reverse("api:export_download", args=[job.pk]) if ready else None,
    }


@router.post("/exports", response={201: ExportOut}, summary="Start an export of a list")
def export_create(request: HttpRequest, payload: ExportIn) -> Status[Any]:
    job = services.export_job_start(
        actor=request_user(request),
        data=services.ExportRequest(
            kind=payload.kind, format=payload.format, params=payload.params
        ),
    )
    job.refresh_from_db()  # the immediate task backend (tests) has run it already
    return Status(201, _out(job))


@router.get("/exports", response=ExportPageOut, summary="My exports, newest first")
def export_list(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    page = selectors.export_jobs_for_user(user=request_user(request), cursor=query.cursor or None)
    return {"items": [_out(job) for job in page.items], "next_cursor": page.next_cursor}


@router.get("/exports/{int:job_id}", response=ExportOut, summary="An export and its progress")
def export_get(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return _out(selectors.export_job_get_for_user(user=request_user(request), job_id=job_id))


@router.get(
    "/exports/{int:job_id}/download",
    url_name="export_download",
    summary="The export's file (its owner only; 404 until ready and after it expired)",
    response={200: None},
)
def export_download(request: HttpRequest, job_id: int) -> FileResponse:
    job = selectors.export_job_get_for_user(user=request_user(request), job_id=job_id)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise NotFound()
    response = FileResponse(
        default_storage.open(str(job.file.name), "rb"),
        as_attachment=True,
        filename=services.filename_for(job.kind, job.format, job.created_at),
        content_type=services.CONTENT_TYPES[job.format],
    )
    response["Cache-Control"] = "no-store"
    return response

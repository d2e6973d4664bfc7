"""/api/v1 for spreadsheet imports (INTG-1, INTG-2): upload, map, dry run, run, progress,
cancel, roll back, the error report. Scoped: a batch outside the caller's scope answers 404,
a batch of someone else's 403 on every change."""

from collections.abc import Callable

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from guanxi.accounts.http import request_user
from guanxi.core.errors import NotFound
from guanxi.imports.models import ImportBatch
from guanxi.imports.spreadsheets import selectors, services
from guanxi.imports.spreadsheets.fields import import_fields
from guanxi.imports.spreadsheets.schemas import BatchOut, FieldOut, MappingIn, ProgressOut

router = Router(tags=["imports"])


class KindQuery(Schema):
    kind: ImportBatch.Kind = ImportBatch.Kind.CUSTOMERS


@router.get("/imports/fields", response=list[FieldOut], summary="Fields a column can map to")
def field_list(request: HttpRequest, query: Query[KindQuery]) -> object:
    return [{"key": f.key, "label": str(f.label)} for f in import_fields(query.kind)]


@router.get("/imports", response=list[BatchOut], summary="Imports in your scope, newest first")
def batch_list(request: HttpRequest) -> object:
    return selectors.batch_list(user=request_user(request))


@router.post(
    "/imports",
    response={201: BatchOut},
    summary="Upload an .xlsx or .csv file of customers, follow-ups or purchases (kind)",
)
def batch_upload(request: HttpRequest, file: File[UploadedFile], form: Form[KindQuery]) -> object:
    batch = services.batch_upload(actor=request_user(request), upload=file, kind=form.kind)
    return Status(201, batch)


@router.get("/imports/{int:batch_id}", response=BatchOut, summary="One import")
def batch_get(request: HttpRequest, batch_id: int) -> object:
    return selectors.batch_get_for_user(user=request_user(request), pk=batch_id)


@router.put("/imports/{int:batch_id}/mapping", response=BatchOut, summary="Set the column mapping")
def batch_map(request: HttpRequest, batch_id: int, payload: MappingIn) -> object:
    user = request_user(request)
    batch = selectors.batch_get_for_user(user=user, pk=batch_id)
    data = services.MappingInput(**payload.dict())
    return services.batch_map(actor=user, batch=batch, data=data)


def _started(
    request: HttpRequest, batch_id: int, start: Callable[..., ImportBatch]
) -> Status[object]:
    """A background step of the batch (the dry run or the import) started by `start`: 202
    with the progress as it stands."""
    user = request_user(request)
    batch = start(actor=user, batch=selectors.batch_get_for_user(user=user, pk=batch_id))
    batch.refresh_from_db()
    return Status(202, selectors.batch_progress(batch=batch))


@router.post(
    "/imports/{int:batch_id}/check", response={202: ProgressOut}, summary="Start the dry run"
)
def batch_check(request: HttpRequest, batch_id: int) -> object:
    return _started(request, batch_id, services.batch_check)


@router.post("/imports/{int:batch_id}/run", response={202: ProgressOut}, summary="Start the import")
def batch_run(request: HttpRequest, batch_id: int) -> object:
    return _started(request, batch_id, services.batch_start)


@router.get("/imports/{int:batch_id}/progress", response=ProgressOut, summary="Progress")
def batch_progress(request: HttpRequest, batch_id: int) -> object:
    batch = selectors.batch_get_for_user(user=request_user(request), pk=batch_id)
    return selectors.batch_progress(batch=batch)


@router.post(
    "/imports/{int:batch_id}/cancel", response=ProgressOut, summary="Cancel a running import"
)
def batch_cancel(request: HttpRequest, batch_id: int) -> object:
    user = request_user(request)
    batch = services.batch_cancel(
        actor=user, batch=selectors.batch_get_for_user(user=user, pk=batch_id)
    )
    return selectors.batch_progress(batch=batch)


@router.post("/imports/{int:batch_id}/rollback", response=dict[str, int], summary="Roll back")
def batch_rollback(request: HttpRequest, batch_id: int) -> object:
    user = request_user(request)
    batch = selectors.batch_get_for_user(user=user, pk=batch_id)
    count = services.batch_rollback(actor=user, batch=batch)
    return {str(batch.kind): count}


@router.get("/imports/{int:batch_id}/report", summary="The error report (.xlsx)")
def batch_report(request: HttpRequest, batch_id: int) -> FileResponse:
    batch = selectors.batch_get_for_user(user=request_user(request), pk=batch_id)
    if not batch.report:
        raise NotFound()
    return FileResponse(batch.report.open("rb"), as_attachment=True, filename="report.xlsx")

"""Pages of the exports (RPT-2): start an export from a list, "My exports" with each job's
progress (htmx poll, so a reload shows it again), and the owner's download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.accounts.http import request_user
from guanxi.accounts.permissions import EXPORT
from guanxi.accounts.selectors import user_can
from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.core.http import file_download, is_htmx
from guanxi.imports.exports import selectors, services
from guanxi.imports.exports.kinds import KINDS
from guanxi.imports.models import ExportJob


@login_required
@require_POST
def export_start(request: HttpRequest) -> HttpResponse | FileResponse:
    """The list's Export button: a small export comes back at once, a larger one becomes a
    job whose page shows its progress."""
    user = request_user(request)
    params = QueryDict(str(request.POST.get("params", ""))[:4000])
    data = services.ExportRequest(
        kind=str(request.POST.get("kind", "")),
        format=str(request.POST.get("format", "")),
        params={key: params.get(key, "") for key in params},
    )
    try:
        started = services.export_start(actor=user, data=data)
    except ValidationFailed as exc:
        for errors in exc.field_errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("imports:export_list")
    if started.direct is not None:
        return file_download(
            started.direct.file,
            filename=started.direct.filename,
            content_type=started.direct.content_type,
        )
    messages.info(request, _("The export runs in the background; download it here when ready."))
    return redirect("imports:export_list")


@login_required
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.export_jobs_for_user(user=user, cursor=cursor)
    except ValidationFailed:
        page = selectors.export_jobs_for_user(user=user)
    context = {
        "page": page,
        "labels": {key: str(kind.label) for key, kind in KINDS.items()},
        "whole_lists": selectors.unfiltered_kinds(),
        "can_export": user_can(user=user, permission=EXPORT),
    }
    return render(request, "imports/exports/list.html", context)


@login_required
@require_GET
def export_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """One job's row of "My exports" (polled by htmx while it runs)."""
    job = selectors.export_job_get_for_user(user=request_user(request), job_id=job_id)
    labels = {key: str(kind.label) for key, kind in KINDS.items()}
    if not is_htmx(request):
        return redirect(reverse("imports:export_list"))
    return render(request, "imports/exports/list.html#job", {"job": job, "labels": labels})


@login_required
@require_GET
def export_download(request: HttpRequest, job_id: int) -> FileResponse:
    job = selectors.export_job_get_for_user(user=request_user(request), job_id=job_id)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise NotFound(_("This export is not ready or has expired."))
    return file_download(
        default_storage.open(str(job.file.name), "rb"),
        filename=services.filename_for(job.kind, job.format, job.created_at),
        content_type=services.CONTENT_TYPES[job.format],
    )


def export_button_html(*, request: HttpRequest, list_key: str, **kwargs: object) -> SafeString:
    """The Export button of a list page (core.list_actions): the list's current filters go
    with it. Nothing for a user without the export permission or a list that does not
    export."""
    user = getattr(request, "user", None)
    if user is None or list_key not in KINDS or not user_can(user=user, permission=EXPORT):
        return SafeString("")
    params = request.GET.copy()
    for name in services.PAGING:
        params.pop(name, None)
    extra = {str(k): str(v) for k, v in kwargs.items() if v not in (None, "")}
    params.update(extra)
    return format_html(
        "{}",
        render_to_string(
            "imports/exports/button.html",
            {"list_key": list_key, "params": params.urlencode()},
            request=request,
        ),
    )

"""The import page of external results (SAT-2): upload, then the row-by-row error report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.accounts.http import request_user
from guanxi.accounts.selectors import user_can
from guanxi.core.errors import PermissionDenied, ValidationFailed, found
from guanxi.satisfaction.common import permissions
from guanxi.satisfaction.external import services
from guanxi.satisfaction.models import ExternalImport, SurveyTemplate


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    if not user_can(user=request.user, permission=permissions.IMPORT):
        raise PermissionDenied()
    templates = list(SurveyTemplate.objects.filter(active=True).order_by("id"))
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        template_id = request.POST.get("template", "")
        if upload is None:
            errors = [_("Choose a file.")]
        elif not template_id.isdigit():
            errors = [_("Choose a survey template.")]
        else:
            try:
                batch = services.external_import(
                    actor=request_user(request),
                    template_id=int(template_id),
                    upload=services.ImportFile(name=upload.name or "", content=upload.read()),
                )
            except ValidationFailed as exc:
                errors = [str(m) for msgs in exc.field_errors.values() for m in msgs] or [
                    str(exc.message)
                ]
            else:
                messages.success(
                    request,
                    _("%(ok)s rows imported, %(bad)s refused.")
                    % {"ok": batch.rows_imported, "bad": batch.rows_refused},
                )
                return redirect("satisfaction:import_detail", pk=batch.pk)
    return render(
        request,
        "satisfaction/external/import.html",
        {
            "templates": templates,
            "errors": errors,
            "batches": ExternalImport.objects.select_related("created_by")[:20],
            "max_rows": services.MAX_ROWS,
        },
        status=422 if errors else 200,
    )


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not user_can(user=request.user, permission=permissions.IMPORT):
        raise PermissionDenied()
    batch = found(ExternalImport.objects.filter(pk=pk).select_related("created_by").first())
    return render(request, "satisfaction/external/detail.html", {"batch": batch})
